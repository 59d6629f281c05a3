/**
 * 数据订阅 and the pull feed. The credit office creates, pauses, resumes and deletes a system
 * account's subscriptions (each change audited in its own transaction); an integrator reads its
 * own subscriptions and the changes it is entitled to through signed requests; dead deliveries are
 * listed and replayed (audited). Delivery itself is the dispatcher's (exchange.dispatcher.ts).
 */
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { ChangeFeed, DeadLetterList, ExchangeAccountView, SubscriptionFilter, SubscriptionView } from '../../../common/exchange-api.js';
import type { Clock } from '../../platform/clock.js';
import { AppError } from '../../platform/errors.js';
import type { Actor, AuditLog } from '../audit/index.js';
import { toHalfWidth } from '../../../common/identifiers/index.js';
import { bareHost, hostKind, singleLabel } from './exchange.address.js';
import { DEFAULT_DISPATCH, Dispatcher, type DispatcherOptions, type SignFn } from './exchange.dispatcher.js';
import { changeView, deadLetterView, subscriptionView } from './exchange.presenter.js';
import { ExchangeRepo, type SubscriptionRow } from './exchange.repo.js';
import type { ExchangeTables } from './exchange.tables.js';

export interface ExchangeDeps {
  db: Kysely<ExchangeTables>;
  audit: AuditLog;
  clock: Clock;
  log: Logger;
  /** The system accounts (identity), for names and to refuse an unknown one. */
  accounts: () => Promise<ExchangeAccountView[]>;
  /**
   * The system account's status read in the caller's transaction, its row locked against a disable
   * or enable until that transaction ends (identity's SignedRequests.lockedStatus).
   */
  lockedAccountStatus: (trx: Kysely<unknown>, appKey: string) => Promise<'active' | 'disabled' | undefined>;
  /** Secrets of the accounts that may still sign (identity's SignedRequests.activeSecrets). */
  secrets: (appKeys: readonly string[]) => Promise<Map<string, string>>;
  /** The request-signing function (identity's `sign`): the receiver checks the platform's signature the same way. */
  sign: SignFn;
  /** A subject id or an organization's USCC → the subject's id, if it exists. */
  findSubject: (idOrUscc: string) => Promise<string | undefined>;
  /** Whether a catalog item (or list type) code exists. */
  itemExists: (code: string) => boolean;
  /** A catalog item's name (行政处罚信息), if the code is in the catalog. */
  itemName: (code: string) => string | undefined;
  /** A staff account's display name by its login name (identity), if the account exists. */
  staffName: (username: string) => Promise<string | undefined>;
  /** EXCHANGE_ALLOW_HTTP_LOCAL: webhooks (http or https) to this host's loopback (tests, a receiver on the same host). */
  allowHttpLocal: boolean;
  dispatch?: Partial<DispatcherOptions>;
}

export interface SubscriptionInput {
  appKey: string;
  filter: SubscriptionFilter;
  subject?: string | undefined;
  itemCode?: string | undefined;
  webhookUrl?: string | null | undefined;
}

type SubscriptionAction = 'resume' | 'pause' | 'delete';

const refused = (message: string, path: string) => new AppError('SUBSCRIPTION_INVALID', [{ in: 'body', path, message }], `不能保存订阅：${message}`);
const notFound = () => new AppError('NOT_FOUND', undefined, '该订阅不存在或已删除');

/**
 * A catalog item code as people type it (`cf`, `ＣＦ`, ` CF `): half-width, upper case. The
 * catalog's codes are upper-case ASCII (catalog.schema.ts).
 */
export function normalizeItemCode(raw: string): string {
  return toHalfWidth(raw).trim().toUpperCase();
}

const FILTER_WORDS: Record<SubscriptionFilter, string> = { all: '有权获得的全部变更', subject: '主体', item: '信息项' };

/** 李四（li.si）: the display name people know, with the login name, as the console names staff elsewhere. */
function staffDisplay(username: string, displayName: string | undefined): string {
  return displayName && displayName !== username ? `${displayName}（${username}）` : username;
}

/**
 * A subscription named as the console names it: what it subscribes to (an item by its catalog
 * name, the code beside it), where it goes, who made it and when.
 */
function describeSubscription(
  s: { filter_kind: SubscriptionFilter; subject_id: string | null; item_code: string | null; webhook_url: string | null; created_at: Date },
  names: { item: string | undefined; creator: string },
): string {
  const what = s.item_code ? (names.item ? `${names.item}（${s.item_code}）` : s.item_code) : (s.subject_id ?? '');
  const scope = s.filter_kind === 'all' ? FILTER_WORDS.all : `${FILTER_WORDS[s.filter_kind]}${what}`;
  const where = s.webhook_url ? `推送到${s.webhook_url}` : '只拉取';
  // China time (UTC+8), as the console shows times.
  const at = new Date(s.created_at.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
  return `订阅${scope}、${where}，${names.creator}于${at}新建`;
}

export class ExchangeService {
  readonly repo: ExchangeRepo;
  readonly dispatcher: Dispatcher;

  constructor(private readonly deps: ExchangeDeps) {
    this.repo = new ExchangeRepo(deps.db);
    this.dispatcher = new Dispatcher(this.repo, deps.secrets, deps.sign, deps.clock, deps.log, { ...DEFAULT_DISPATCH, allowLoopback: deps.allowHttpLocal, ...deps.dispatch });
  }

  /**
   * https to another organization's system; never credentials in the URL; never this host or an
   * internal address written as such (loopback, RFC 1918, fc00::/7, link-local, unspecified, CGNAT,
   * `localhost`) — the dispatcher checks the resolved address again at each delivery
   * (exchange.address.ts). EXCHANGE_ALLOW_HTTP_LOCAL=on allows loopback, over http too.
   */
  checkWebhookUrl(raw: string): string {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw refused(`接收地址「${raw.slice(0, 100)}」不是有效的网址`, '/webhookUrl');
    }
    const local = this.deps.allowHttpLocal;
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw refused(`接收地址须使用https，不能是「${url.protocol.replace(':', '')}」`, '/webhookUrl');
    if (url.username || url.password) throw refused('接收地址不能含有用户名或密码：身份由请求签名证明', '/webhookUrl');
    if (url.hash) throw refused('接收地址不能含有「#」片段', '/webhookUrl');
    const kind = hostKind(url.hostname);
    if (kind === 'internal' || (kind === 'loopback' && !local)) {
      throw refused(`接收地址「${bareHost(url.hostname)}」是本机或内网地址，平台不向这类地址推送：请填写接收单位对外提供的https地址`, '/webhookUrl');
    }
    if (singleLabel(url.hostname)) {
      throw refused(`接收地址「${bareHost(url.hostname)}」不是完整的域名，平台只向接收单位对外提供的地址推送：请填写完整的域名，如https://api.example.gov.cn/hook`, '/webhookUrl');
    }
    if (url.protocol === 'http:' && kind !== 'loopback') throw refused(local ? '接收地址须使用https（本机的接收程序可用http）' : '接收地址须使用https', '/webhookUrl');
    return url.toString();
  }

  async accounts(): Promise<ExchangeAccountView[]> {
    return this.deps.accounts();
  }

  private async withNames(rows: Awaited<ReturnType<ExchangeRepo['subscriptions']>>): Promise<SubscriptionView[]> {
    const names = new Map((await this.deps.accounts()).map((a) => [a.appKey, a.name]));
    return rows.map((r) => subscriptionView(r, names.get(r.app_key) ?? null, r.item_code ? (this.deps.itemName(r.item_code) ?? null) : null));
  }

  async list(appKey?: string): Promise<SubscriptionView[]> {
    return this.withNames(await this.repo.subscriptions(appKey));
  }

  async get(id: string): Promise<SubscriptionView> {
    const found = (await this.list()).find((s) => s.id === id);
    if (!found) throw notFound();
    return found;
  }

  async create(input: SubscriptionInput, actor: Actor): Promise<SubscriptionView> {
    const account = (await this.deps.accounts()).find((a) => a.appKey === input.appKey);
    if (!account) throw refused(`系统账号「${input.appKey}」不存在`, '/appKey');
    if (account.status !== 'active') throw refused(`系统账号「${account.name}」已停用`, '/appKey');
    let subjectId: string | null = null;
    let itemCode: string | null = null;
    if (input.filter === 'subject') {
      if (!input.subject) throw refused('按主体订阅须填写主体（主体ID或统一社会信用代码）', '/subject');
      subjectId = (await this.deps.findSubject(input.subject.trim())) ?? null;
      if (!subjectId) throw refused(`没有找到主体「${input.subject.slice(0, 40)}」`, '/subject');
    } else if (input.filter === 'item') {
      if (!input.itemCode) throw refused('按信息项订阅须填写信息项代码', '/itemCode');
      const code = normalizeItemCode(input.itemCode);
      if (!this.deps.itemExists(code)) throw refused(`目录中没有信息项「${input.itemCode.trim().slice(0, 40)}」：请填写信用信息目录中的信息项代码，如CF`, '/itemCode');
      itemCode = code;
    }
    const webhookUrl = input.webhookUrl ? this.checkWebhookUrl(input.webhookUrl) : null;
    const now = this.deps.clock.now();
    // The transaction answers the one that exists instead of throwing inside it: naming its creator
    // reads identity's accounts, which must not wait on this transaction's connection (PGlite has one).
    const made = await this.deps.db.transaction().execute(async (trx): Promise<{ id: string } | { same: SubscriptionRow } | { disabled: true }> => {
      const wanted = { app_key: account.appKey, filter_kind: input.filter, subject_id: subjectId, item_code: itemCode, webhook_url: webhookUrl };
      await this.repo.lockAccount(trx, account.appKey);
      // Read again under the account's lock: a disable committed since the check above would not have
      // held this subscription (it did not exist yet), and one under way waits for this to commit.
      if ((await this.deps.lockedAccountStatus(trx as unknown as Kysely<unknown>, account.appKey)) !== 'active') return { disabled: true };
      const same = await this.repo.sameSubscription(trx, wanted);
      if (same) return { same };
      const row = await this.repo.createSubscription(trx, { ...wanted, created_by: actor.name, created_at: now, updated_at: now });
      await this.deps.audit.record(trx, {
        category: 'business',
        event: 'exchange.subscription.create',
        actor,
        result: 'success',
        objectType: 'subscription',
        objectId: row.id,
        details: { appKey: account.appKey, filter: input.filter, subjectId, itemCode, webhookUrl, cursor: row.cursor_seq },
      });
      return { id: row.id };
    });
    if ('disabled' in made) throw refused(`系统账号「${account.name}」已停用`, '/appKey');
    if ('same' in made) {
      const same = made.same;
      const status = same.status === 'paused' ? '（已暂停，可恢复它）' : '';
      const which = describeSubscription(same, { item: same.item_code ? this.deps.itemName(same.item_code) : undefined, creator: staffDisplay(same.created_by, await this.deps.staffName(same.created_by)) });
      throw new AppError('DUPLICATE', [{ in: 'body', path: '/appKey', message: `系统账号「${account.name}」已有相同的订阅${status}：${which}` }], `不能保存订阅：系统账号「${account.name}」已有相同的订阅${status}（${which}），再订一次会重复收到每条变更`);
    }
    this.dispatcher.poke();
    return this.get(made.id);
  }

  /** pause / resume / delete: what it was and what it becomes, audited with the change. */
  async setStatus(id: string, to: 'active' | 'paused' | 'deleted', actor: Actor): Promise<SubscriptionView | null> {
    const action: SubscriptionAction = to === 'active' ? 'resume' : to === 'paused' ? 'pause' : 'delete';
    await this.deps.db.transaction().execute(async (trx) => {
      const sub = await this.repo.subscription(trx, id, true);
      if (!sub) throw notFound();
      if (sub.status === to) return;
      const now = this.deps.clock.now();
      await this.repo.setStatus(trx, id, to, now);
      // Resumed while its account is disabled: still held, until the account is enabled.
      if ((sub.status === 'active') !== (to === 'active') && sub.account_active) await this.repo.holdDeliveries(trx, id, to !== 'active', now);
      await this.deps.audit.record(trx, { category: 'business', event: `exchange.subscription.${action}`, actor, result: 'success', objectType: 'subscription', objectId: id, details: { appKey: sub.app_key, from: sub.status, to } });
    });
    if (to === 'active') this.dispatcher.poke();
    return to === 'deleted' ? null : this.get(id);
  }

  /**
   * A system account disabled or enabled (identity's SignedRequests.setStatus calls this inside its
   * transaction): a disabled account's subscriptions deliver nothing — nothing fanned out, pending
   * deliveries held — and enabling it sends what came meanwhile, in order (paused ones stay paused).
   */
  async accountStatusChanged(trx: Kysely<unknown>, appKey: string, active: boolean): Promise<number> {
    const db = trx as unknown as Kysely<ExchangeTables>;
    const changed = await this.repo.setAccountActive(db, appKey, active, this.deps.clock.now());
    // Woken when the enabling commits, not now: a dispatcher poked inside the transaction would find
    // the deliveries still held and wait for its next poll (every process hears the notification).
    if (active && changed > 0) await this.repo.wakeDispatchersOnCommit(db);
    return changed;
  }

  /**
   * The pull feed: the changes the account is entitled to after `since`, in commit order. `next`
   * passes over changes it is not entitled to, so an empty page still moves the cursor.
   */
  async feed(since: number, limit: number): Promise<ChangeFeed> {
    // Read-your-commits for a caller that just changed something: number what is committed first.
    await this.repo.sequence();
    const high = await this.repo.highestSeq();
    const rows = await this.repo.changesAfter(since, high, limit);
    const more = rows.length === limit;
    const last = rows.at(-1);
    return { changes: rows.map(changeView), next: more && last ? Number(last.seq) : Math.max(since, high), more };
  }

  async deadLetters(page: number, pageSize: number): Promise<DeadLetterList> {
    const { rows, total } = await this.repo.deadLetters(pageSize, (page - 1) * pageSize);
    return { items: rows.map(deadLetterView), total };
  }

  /** 重新投递: the dead delivery is due now with fresh attempts, under its own idempotency key. */
  async replay(id: string, actor: Actor): Promise<void> {
    await this.deps.db.transaction().execute(async (trx) => {
      const row = await this.repo.replay(trx, id, this.deps.clock.now());
      if (!row) throw new AppError('NOT_FOUND', undefined, '不能重新投递：该投递不存在，或已不在投递失败列表中（可能已被他人重新投递）');
      await this.deps.audit.record(trx, { category: 'business', event: 'exchange.delivery.replay', actor, result: 'success', objectType: 'delivery', objectId: id, details: { subscriptionId: row.subscription_id, seq: Number(row.seq) } });
    });
    this.dispatcher.poke();
  }
}
