/**
 * The webhook dispatcher: a loop in every platform process. Each round numbers the committed
 * outbox rows (commit order), fans them out into deliveries per subscription, leases the due
 * deliveries (FOR UPDATE SKIP LOCKED, one per subscription and subject at a time), POSTs them
 * signed, and records the outcome. Several processes share the work; one killed mid-send leaves
 * leases that expire, and the delivery is sent again under the same idempotency key.
 *
 * It keeps its own delivery table rather than the platform's job runner: a delivery is one row per
 * change and subscriber with an ordering rule across rows (per subject), which a generic job queue
 * does not express; the runner's lease/back-off conventions are the same (docs/exchange.md).
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { Logger } from 'pino';
import type { Clock } from '../../platform/clock.js';
import { allowed, bareHost, guardedLookup, hostKind, InternalAddressError, type Resolve } from './exchange.address.js';
import type { ClaimedDelivery, ExchangeRepo } from './exchange.repo.js';
import { webhookBody } from './exchange.presenter.js';

export interface DispatcherOptions {
  /** One POST may take this long before it counts as failed. */
  timeoutMs: number;
  /** Attempts before a delivery is dead (listed as 投递失败, replayable). */
  maxAttempts: number;
  /** Deliveries leased per round, and POSTs in flight at once. */
  batch: number;
  concurrency: number;
  /** Rounds run side by side in one process: one sends while the other leases and records. */
  lanes: number;
  /** First retry after this long, doubling per attempt, at most `maxBackoffMs`. */
  backoffMs: number;
  maxBackoffMs: number;
  /** How often to look for work when nothing wakes the loop. */
  pollMs: number;
  /** EXCHANGE_ALLOW_HTTP_LOCAL: deliveries may go to a loopback address (never to other internal ones). */
  allowLoopback: boolean;
  /** How host names are resolved before the checked connection (tests stand in a resolver). */
  resolve?: Resolve;
}

export const DEFAULT_DISPATCH: DispatcherOptions = {
  timeoutMs: 10_000,
  maxAttempts: 12,
  batch: 200,
  concurrency: 64,
  lanes: 2,
  backoffMs: 1_000,
  maxBackoffMs: 3_600_000,
  pollMs: 1_000,
  allowLoopback: false,
};

// Connections kept open between deliveries (node:http: about twice the rate of fetch here).
const agents = { 'http:': new http.Agent({ keepAlive: true, maxSockets: 256 }), 'https:': new https.Agent({ keepAlive: true, maxSockets: 256 }) };

/** Which addresses a POST may reach (exchange.address.ts). */
export interface AddressGuard {
  allowLoopback: boolean;
  resolve?: Resolve | undefined;
}

/**
 * One POST: the status, 'timeout', or why it could not be sent (with the error's code). Redirects
 * are not followed. The host is checked against the guard: a literal address here, a name on each
 * of its resolved addresses, and the socket connects to the address that was checked.
 */
export function postOnce(url: URL, headers: Record<string, string>, body: string, timeoutMs: number, guard: AddressGuard): Promise<number | 'timeout' | { error: string; code?: string }> {
  return new Promise((resolve) => {
    const host = bareHost(url.hostname);
    if (!allowed(hostKind(url.hostname), guard.allowLoopback)) {
      const err = new InternalAddressError(host, host);
      resolve({ error: err.message, code: err.code });
      return;
    }
    const client = url.protocol === 'https:' ? https : http;
    const lookup = guardedLookup(guard.allowLoopback, guard.resolve);
    const req = client.request(url, { method: 'POST', headers, agent: agents[url.protocol as 'http:' | 'https:'], lookup }, (res) => {
      // Read to the end: the connection goes back to the pool.
      res.resume();
      res.on('end', () => {
        clearTimeout(timer);
        resolve(res.statusCode ?? 0);
      });
      res.on('error', () => {
        clearTimeout(timer);
        resolve({ error: 'response cut off' });
      });
    });
    const timer = setTimeout(() => {
      req.destroy();
      resolve('timeout');
    }, timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(err.code ? { error: err.message, code: err.code } : { error: err.message });
    });
    req.end(body);
  });
}

const CERTIFICATE = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_TLS/;

/**
 * Why a delivery failed, in a sentence for the credit office, then the technical code in
 * `（技术信息：…）` — the presenter splits it off (exchange.presenter.ts `splitError`).
 */
export function failureText(failure: number | { error: string; code?: string | undefined }): string {
  if (typeof failure === 'number') {
    const sentence =
      failure === 401 || failure === 403
        ? '接收方拒绝了平台的身份：请对方核对系统账号的密钥和验签方法'
        : failure === 404
          ? '接收方没有这个接收路径：请核对接收地址'
          : failure === 413
            ? '接收方认为推送内容过大'
            : failure === 429
              ? '接收方要求放慢推送，稍后自动重试'
              : failure >= 500
                ? '接收方的系统出错，未能接收'
                : failure >= 300 && failure < 400
                  ? '接收方要求转到其他地址，平台不跟随转向：请核对接收地址'
                  : '接收方未接受推送';
    return `${sentence}（技术信息：HTTP ${failure}）`;
  }
  const code = failure.code ?? '';
  const sentence =
    code === 'EXCHANGE_INTERNAL_ADDRESS'
      ? '接收地址指向本机或内网地址，平台不向这类地址推送：请填写接收单位对外提供的https地址'
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME'
        ? '找不到接收地址中的域名：请核对接收地址，或请对方检查域名解析'
        : code === 'ECONNREFUSED'
          ? '接收方拒绝连接：对方的接收程序可能未启动'
          : code === 'ETIMEDOUT' || code === 'ENETUNREACH' || code === 'EHOSTUNREACH'
            ? '连接接收方超时或网络不通'
            : code === 'ECONNRESET' || code === 'EPIPE'
              ? '接收方中断了连接'
              : CERTIFICATE.test(code)
                ? '接收方的https证书无效（过期、自签或与域名不符）'
                : '无法连接接收方';
  return `${sentence}（技术信息：${code ? `${code} ` : ''}${failure.error}）`.slice(0, 1000);
}

export interface SignFn {
  (secret: string, method: string, pathAndQuery: string, body: string, timestamp: string, nonce: string): string;
}

export interface RoundResult {
  sequenced: number;
  fannedOut: number;
  sent: number;
  delivered: number;
  retried: number;
  dead: number;
}

/** The delay before attempt n+1 after n failed attempts: 1 s, 2 s, 4 s … capped. */
export function backoff(attempts: number, o: Pick<DispatcherOptions, 'backoffMs' | 'maxBackoffMs'>): number {
  return Math.min(o.maxBackoffMs, o.backoffMs * 2 ** Math.max(0, Math.min(attempts - 1, 30)));
}

/** How soon a delivery whose account is disabled is looked at again (it costs no attempt). */
const UNSENDABLE_RETRY_MS = 60_000;

export class Dispatcher {
  private running: Promise<unknown> = Promise.resolve();
  private stopped = true;
  private readonly wakers = new Set<() => void>();
  private woken = false;

  constructor(
    private readonly repo: ExchangeRepo,
    private readonly secrets: (appKeys: readonly string[]) => Promise<Map<string, string>>,
    private readonly sign: SignFn,
    private readonly clock: Clock,
    private readonly log: Logger,
    readonly options: DispatcherOptions,
  ) {}

  /** One round: sequence, fan out, lease and send one batch. */
  async round(): Promise<RoundResult> {
    const result: RoundResult = { sequenced: 0, fannedOut: 0, sent: 0, delivered: 0, retried: 0, dead: 0 };
    result.sequenced = await this.repo.sequence();
    for (const id of await this.repo.webhookSubscriptionIds()) result.fannedOut += await this.repo.fanOut(id, this.clock.now(), 5_000);
    const now = this.clock.now();
    // Long enough for the whole batch in waves of `concurrency`, each bounded by the timeout.
    const leaseMs = Math.ceil(this.options.batch / this.options.concurrency) * this.options.timeoutMs + 2_000;
    const { token, deliveries } = await this.repo.claim(now, new Date(now.getTime() + leaseMs), this.options.batch);
    if (deliveries.length === 0) return result;
    result.sent = deliveries.length;
    const secrets = await this.secrets(deliveries.map((d) => d.appKey));
    const ok: string[] = [];
    const failed: { d: ClaimedDelivery; status: number | null; error: string }[] = [];
    const unsendable: ClaimedDelivery[] = [];
    let next = 0;
    const worker = async () => {
      while (next < deliveries.length) {
        const d = deliveries[next++]!;
        const secret = secrets.get(d.appKey);
        if (secret === undefined) {
          // Its account (or the account's department) was disabled after the claim: not an attempt.
          unsendable.push(d);
          continue;
        }
        const outcome = await this.post(d, secret);
        if (outcome.ok) ok.push(d.id);
        else failed.push({ d, status: outcome.status, error: outcome.error });
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency, deliveries.length) }, worker));
    const done = this.clock.now();
    await this.repo.delivered(ok, token, 200, done);
    for (const d of unsendable) await this.repo.unsendable(d.id, token, new Date(done.getTime() + UNSENDABLE_RETRY_MS));
    result.delivered = ok.length;
    for (const f of failed) {
      const retryAt = new Date(done.getTime() + backoff(f.d.attempts, this.options));
      const r = await this.repo.failed(f.d.id, token, { status: f.status, error: f.error }, retryAt, this.options.maxAttempts, done);
      if (r === 'dead') result.dead++;
      else result.retried++;
    }
    if (failed.length > 0) this.log.warn({ failed: failed.length, dead: result.dead }, 'webhook deliveries failed');
    return result;
  }

  /** Rounds (in `lanes` side by side) until nothing is due now (tests and the benchmark; the loop does this by itself). */
  async drain(maxRounds = 10_000): Promise<RoundResult> {
    const total: RoundResult = { sequenced: 0, fannedOut: 0, sent: 0, delivered: 0, retried: 0, dead: 0 };
    let rounds = 0;
    // Passes until one in which no lane found anything: a lane that stopped early may have missed
    // work another lane's round made (a fan-out, a failure now due).
    for (let busy = true; busy && rounds < maxRounds; ) {
      busy = false;
      const lane = async () => {
        while (rounds++ < maxRounds) {
          const r = await this.round();
          for (const k of Object.keys(total) as (keyof RoundResult)[]) total[k] += r[k];
          if (r.sent === 0 && r.sequenced === 0 && r.fannedOut === 0) break;
          busy = true;
        }
      };
      await Promise.all(Array.from({ length: this.options.lanes }, lane));
    }
    return total;
  }

  private async post(d: ClaimedDelivery, secret: string): Promise<{ ok: true } | { ok: false; status: number | null; error: string }> {
    const body = JSON.stringify(webhookBody(d.id, d.subscriptionId, d.change));
    const url = new URL(d.webhookUrl);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = randomBytes(16).toString('base64url');
    const headers = {
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(body)),
      'idempotency-key': d.id,
      'x-xinyong-seq': String(d.change.seq),
      'x-xinyong-attempt': String(d.attempts),
      'x-app-key': d.appKey,
      'x-timestamp': timestamp,
      'x-nonce': nonce,
      'x-signature': this.sign(secret, 'POST', `${url.pathname}${url.search}`, body, timestamp, nonce),
    };
    const status = await postOnce(url, headers, body, this.options.timeoutMs, { allowLoopback: this.options.allowLoopback, resolve: this.options.resolve });
    if (typeof status === 'number' && status >= 200 && status < 300) return { ok: true };
    if (typeof status === 'number') return { ok: false, status, error: failureText(status) };
    return { ok: false, status: null, error: status === 'timeout' ? `接收方${this.options.timeoutMs}毫秒内未应答` : failureText(status) };
  }

  /** Wakes the loop now (a commit appended changes). */
  poke(): void {
    this.woken = true;
    for (const w of this.wakers) w();
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const wakers = this.wakers;
    const loop = async () => {
      while (!this.stopped) {
        let busy = false;
        try {
          const r = await this.round();
          busy = r.sent > 0 || r.sequenced > 0 || r.fannedOut > 0;
        } catch (err) {
          this.log.error({ err: { message: (err as Error).message } }, 'webhook dispatch round failed');
        }
        if (busy || this.stopped) continue;
        if (this.woken) {
          this.woken = false;
          continue;
        }
        let wait = this.options.pollMs;
        try {
          const due = await this.repo.nextDue();
          if (due) wait = Math.max(10, Math.min(wait, due.getTime() - this.clock.now().getTime()));
        } catch {
          // the next round says what is wrong
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, wait);
          timer.unref();
          function done() {
            clearTimeout(timer);
            wakers.delete(done);
            resolve();
          }
          wakers.add(done);
        });
        this.woken = false;
      }
    };
    this.running = Promise.all(Array.from({ length: this.options.lanes }, loop));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const w of [...this.wakers]) w();
    await this.running;
  }
}
