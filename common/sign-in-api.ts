/**
 * One sign-in attempt on the signed-in account, as its owner sees it on the 工作台: enough to
 * notice an attempt that was not theirs (when, from where, whether it got in).
 */
export interface SignInEventView {
  at: string;
  ip: string | null;
  result: 'success' | 'failure' | 'denied';
  /**
   * Why it did not get in: the password or the second factor was wrong, the attempt came while
   * sign-in from that address was paused, or the account was disabled; null on success.
   */
  reason: 'wrongPassword' | 'wrongSecondFactor' | 'paused' | 'disabled' | null;
}
