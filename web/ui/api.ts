/** The API client of both web apps: same-origin JSON, the CSRF token, the one error shape. */
import { t } from './i18n';

export interface ApiErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

let csrfToken = '';
export function setCsrfToken(token: string): void {
  csrfToken = token;
}

export async function api<T>(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const res = await fetch(url, {
    method,
    credentials: 'same-origin',
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(method !== 'GET' && csrfToken ? { 'x-csrf-token': csrfToken } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (res.status === 204) return undefined as T;
  const data = (await res.json().catch(() => ({}))) as T & Partial<ApiErrorBody>;
  if (!res.ok) {
    const e = data.error;
    // The session ended (timeout, logout elsewhere): the console goes back to sign-in.
    if (res.status === 401 && (e?.code === 'SESSION_EXPIRED' || e?.code === 'UNAUTHENTICATED') && !url.startsWith('/api/v1/auth/')) {
      window.dispatchEvent(new CustomEvent('xy:signed-out', { detail: e.message }));
    }
    throw new ApiError(res.status, e?.code ?? 'UNKNOWN', e?.message ?? t('请求失败（{status}）', { status: res.status }), e?.details);
  }
  return data;
}

/** Field-level messages of a 422 (details: [{ field?, message }]), joined for a notification. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    const details = Array.isArray(err.details) ? (err.details as { message?: string }[]).map((d) => d.message).filter(Boolean) : [];
    return details.length > 0 ? `${err.message}：${details.join('；')}` : err.message;
  }
  return err instanceof Error ? err.message : String(err);
}
