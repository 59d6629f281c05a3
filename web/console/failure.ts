/**
 * A background job's or a delivery's last error as a Chinese sentence for the 工作台. The server
 * keeps what failed as it came: a job keeps the error's own message (server/platform/jobs.ts
 * `errorMessage`), often English from Node or the database; a delivery keeps the dispatcher's
 * sentence (exchange.dispatcher.ts `failureText`), and older ones a bare status or code. The raw
 * text stays available beside the sentence (a tooltip) for the system administrator.
 */
import { t } from '../ui/i18n.js';

const CJK = /[\u3400-\u9FFF]/;

/** The sentence for a last error; the raw text itself when it is already written in Chinese. */
export function failureSentence(raw: string): string {
  // Already a sentence: the dispatcher's, a job's AppError, a lease that ran out.
  if (CJK.test(raw.slice(0, 4))) return raw;
  const status = /\b(?:HTTP|status(?: code)?)\s*:?\s*([1-5]\d\d)\b/i.exec(raw)?.[1];
  if (status) {
    const n = Number(status);
    if (n === 401 || n === 403) return t('接收方拒绝了平台的身份（HTTP {status}）：请对方核对密钥和验签方法', { status });
    if (n >= 500) return t('接收方的系统出错（HTTP {status}）', { status });
    return t('接收方未接受（HTTP {status}）', { status });
  }
  if (/ECONNREFUSED|connection refused/i.test(raw)) return t('连接被拒绝：对方的服务可能未启动');
  if (/ENOTFOUND|EAI_AGAIN|EAI_NONAME|getaddrinfo/i.test(raw)) return t('找不到域名：请核对地址或域名解析');
  if (/ETIMEDOUT|timed? ?out|timeout|aborted/i.test(raw)) return t('等待应答超时');
  if (/signature|signing/i.test(raw)) return t('签名有误或校验未通过');
  return t('执行出错，原因未归类：详见技术信息');
}
