/** The API client of both web apps: same-origin JSON, the CSRF token, the one error shape. */
import { t } from './i18n.js';

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
  if (!res.ok) throw failure(url, res.status, data);
  return data;
}

/** The ApiError of an error answer; a 401 of an ended session also signs the console out. */
function failure(url: string, status: number, data: Partial<ApiErrorBody>): ApiError {
  const e = data.error;
  // The session ended (timeout, logout elsewhere): the console goes back to sign-in.
  if (status === 401 && (e?.code === 'SESSION_EXPIRED' || e?.code === 'UNAUTHENTICATED') && !url.startsWith('/api/v1/auth/')) {
    window.dispatchEvent(new CustomEvent('xy:signed-out', { detail: e.message }));
  }
  return new ApiError(status, e?.code ?? 'UNKNOWN', e?.message ?? t('请求失败（{status}）', { status }), e?.details);
}

/**
 * POSTs a file as the raw request body, its name URL-encoded in `x-file-name` (headers are ASCII).
 * XMLHttpRequest rather than fetch: fetch reports no upload progress. Errors as api() throws them.
 */
export function uploadFile<T>(url: string, file: File, onProgress: (fraction: number) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('content-type', /\.(csv|txt)$/i.test(file.name) ? 'text/csv' : 'application/octet-stream');
    xhr.setRequestHeader('x-file-name', encodeURIComponent(file.name));
    if (csrfToken) xhr.setRequestHeader('x-csrf-token', csrfToken);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      let data: T & Partial<ApiErrorBody>;
      try {
        data = JSON.parse(xhr.responseText) as T & Partial<ApiErrorBody>;
      } catch {
        data = {} as T & Partial<ApiErrorBody>;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(data);
      else reject(failure(url, xhr.status, data));
    };
    // A server refusing a too-large body may close the connection before the browser sees the 413.
    xhr.onerror = () => reject(new ApiError(0, 'NETWORK', t('上传中断：网络错误，或文件超过上限被服务器拒绝')));
    xhr.send(file);
  });
}

/**
 * A refusal as one sentence for a notification: the server's message, then the reasons of its
 * details (details: [{ field?, message }]) that the message does not already say. Some messages
 * carry only what was refused (「不能新增部门「…」」) and leave the why to the details; others
 * already name it (a schema refusal names its first problem, an unsafe character its kind): each
 * reason is said once.
 */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    const reasons = Array.isArray(err.details)
      ? (err.details as unknown[]).map((d) => (d !== null && typeof d === 'object' && typeof (d as { message?: unknown }).message === 'string' ? (d as { message: string }).message.trim() : ''))
      : [];
    const unsaid = [...new Set(reasons)].filter((r) => r !== '' && !err.message.includes(r));
    return unsaid.length > 0 ? `${err.message}：${unsaid.join('；')}` : err.message;
  }
  return err instanceof Error ? err.message : String(err);
}
