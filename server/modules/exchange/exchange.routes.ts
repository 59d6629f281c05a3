/**
 * The exchange over HTTP. The credit office manages subscriptions and dead letters
 * (`/api/v1/exchange/…`, role creditOffice); a system account reads its own subscriptions and the
 * pull feed through signed requests (role system). docs/exchange.md.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ChangeFeed, ChangeView, DeadLetterList, ExchangeAccountView, SubscriptionList, SubscriptionView } from '../../../common/exchange-api.js';
import { errorResponses } from '../../platform/http-schemas.js';
import { actorOf } from '../audit/index.js';
import type { ExchangeService } from './exchange.service.js';

const changeView = z.object({
  seq: z.number().int().describe('变更在平台提交顺序中的位置（拉取游标）'),
  subjectId: z.string(),
  objectType: z.string().describe('record（信息记录）；以后还有listEntry（名单条目）'),
  objectId: z.string(),
  event: z.string().describe('状态迁移的事件名，如publish、withdraw、endPublicity'),
  from: z.string().nullable(),
  to: z.string(),
  itemCode: z.string().nullable(),
  visibleBefore: z.boolean(),
  visibleAfter: z.boolean(),
  tombstone: z.boolean().describe('此前公开、此后不再公开：接收方须删除所持有的该对象'),
  at: z.string(),
}) satisfies z.ZodType<ChangeView>;
const feed = z.object({ changes: z.array(changeView), next: z.number().int(), more: z.boolean() }) satisfies z.ZodType<ChangeFeed>;
const subscription = z.object({
  id: z.string(),
  appKey: z.string(),
  accountName: z.string().nullable(),
  filter: z.enum(['all', 'subject', 'item']),
  subjectId: z.string().nullable(),
  itemCode: z.string().nullable(),
  itemName: z.string().nullable().describe('信息项在目录中的名称，如行政处罚信息'),
  webhookUrl: z.string().nullable(),
  status: z.enum(['active', 'paused', 'deleted']),
  accountActive: z.boolean().describe('false：系统账号已停用，不推送，待投递的保留到重新启用'),
  cursor: z.number().int(),
  pending: z.number().int(),
  dead: z.number().int(),
  delivered: z.number().int(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
}) satisfies z.ZodType<SubscriptionView>;
const subscriptionList = z.object({ items: z.array(subscription) }) satisfies z.ZodType<SubscriptionList>;
const deadLetters = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      subscriptionId: z.string(),
      appKey: z.string(),
      webhookUrl: z.string().nullable(),
      seq: z.number().int(),
      subjectId: z.string(),
      objectType: z.string(),
      objectId: z.string(),
      event: z.string(),
      itemCode: z.string().nullable(),
      tombstone: z.boolean(),
      attempts: z.number().int(),
      lastStatus: z.number().int().nullable(),
      lastError: z.string().nullable(),
      lastErrorDetail: z.string().nullable(),
      createdAt: z.string(),
      deadAt: z.string(),
    }),
  ),
  total: z.number().int(),
}) satisfies z.ZodType<DeadLetterList>;
const accounts = z.object({ items: z.array(z.object({ appKey: z.string(), name: z.string(), departmentId: z.string(), status: z.enum(['active', 'disabled']) })) }) satisfies z.ZodType<{ items: ExchangeAccountView[] }>;

const ids = z.object({ id: z.string().uuid() });
// Each refusal names the field as the console labels it and says what to type. What the address
// must be (https, no credentials …) the service says (checkWebhookUrl): a schema length would only
// say 「至少8个字符」 of 「ftp://x」.
const createBody = z.object({
  appKey: z.string({ error: '请选择系统账号' }).min(1, '请选择系统账号').max(64, '系统账号（AppKey）最多64个字符').describe('订阅方的系统账号（X-App-Key）'),
  filter: z.enum(['all', 'subject', 'item'], { error: '订阅范围应为all（有权获得的全部变更）、subject（一个主体）或item（一个信息项）' }).describe('all：有权获得的全部变更；subject：一个主体的；item：一个信息项的'),
  subject: z.string().trim().min(1, '请填写主体：主体ID或统一社会信用代码').max(64, '主体最多64个字符：填写主体ID或统一社会信用代码').optional().describe('filter=subject：主体ID或统一社会信用代码'),
  itemCode: z.string().trim().min(1, '请填写信息项代码，如CF').max(40, '信息项代码最多40个字符，如CF').optional().describe('filter=item：信息项代码，如CF'),
  webhookUrl: z
    .string()
    .trim()
    .min(1, '接收地址不能为空：填写https://开头的地址；只拉取的订阅不填此项')
    .max(2000, '接收地址最多2000个字符')
    .nullable()
    .optional()
    .describe('接收地址（https）；不填则只能拉取'),
});

export function exchangeRoutes(deps: { exchange: ExchangeService }): FastifyPluginAsyncZod {
  const { exchange } = deps;
  return async (app) => {
    const office = { policy: { roles: ['creditOffice'] as const } };
    const system = { policy: { roles: ['system'] as const } };

    app.get(
      '/api/v1/exchange/accounts',
      { config: office, schema: { tags: ['exchange'], summary: '可订阅的系统账号（信用办新建订阅时选择）', response: { 200: accounts, ...errorResponses } } },
      async () => ({ items: await exchange.accounts() }),
    );

    app.get(
      '/api/v1/exchange/subscriptions',
      { config: office, schema: { tags: ['exchange'], summary: '数据订阅：全部系统账号的订阅及其待投递、已投递、投递失败数', response: { 200: subscriptionList, ...errorResponses } } },
      async () => ({ items: await exchange.list() }),
    );

    app.post(
      '/api/v1/exchange/subscriptions',
      {
        config: office,
        schema: {
          tags: ['exchange'],
          summary: '新建订阅：从此刻起的变更推送到接收地址（或只供拉取）',
          description: '接收地址须为https，且不能是本机或内网地址（回环、RFC 1918、fc00::/7、链路本地、未指定、100.64/10、localhost），推送时对解析出的地址再查一次；运维设置EXCHANGE_ALLOW_HTTP_LOCAL=on时本机地址（含http）可用。推送的请求体、请求头和验签方法见docs/exchange.md。',
          body: createBody,
          response: { 201: subscription, ...errorResponses },
        },
      },
      async (req, reply) => reply.code(201).send(await exchange.create(req.body, actorOf(req))),
    );

    for (const [action, to, summary] of [
      ['pause', 'paused', '暂停订阅：暂停期间的变更在恢复后依次推送'],
      ['resume', 'active', '恢复订阅'],
    ] as const) {
      app.post(
        `/api/v1/exchange/subscriptions/:id/${action}`,
        { config: office, schema: { tags: ['exchange'], summary, params: ids, body: z.object({}).nullish(), response: { 200: subscription, ...errorResponses } } },
        async (req) => (await exchange.setStatus(req.params.id, to, actorOf(req)))!,
      );
    }

    app.delete(
      '/api/v1/exchange/subscriptions/:id',
      { config: office, schema: { tags: ['exchange'], summary: '删除订阅：不再推送，未投递的不再投递', params: ids, response: { 204: z.null(), ...errorResponses } } },
      async (req, reply) => {
        await exchange.setStatus(req.params.id, 'deleted', actorOf(req));
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/api/v1/exchange/dead-letters',
      {
        config: office,
        schema: {
          tags: ['exchange'],
          summary: '投递失败：重试用尽仍未被接收方确认的推送，最近的在前',
          querystring: z.object({ page: z.coerce.number().int().min(1).max(1000).default(1), pageSize: z.coerce.number().int().min(1).max(100).default(20) }),
          response: { 200: deadLetters, ...errorResponses },
        },
      },
      async (req) => exchange.deadLetters(req.query.page, req.query.pageSize),
    );

    app.post(
      '/api/v1/exchange/dead-letters/:id/replay',
      { config: office, schema: { tags: ['exchange'], summary: '重新投递：以原幂等键重新推送，重试次数重新计算', params: ids, body: z.object({}).nullish(), response: { 204: z.null(), ...errorResponses } } },
      async (req, reply) => {
        await exchange.replay(req.params.id, actorOf(req));
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/api/v1/exchange/changes',
      {
        config: system,
        schema: {
          tags: ['exchange'],
          summary: '变更拉取（签名请求）：游标since之后、本系统账号有权获得的变更，按提交顺序，含撤销（tombstone）',
          description: '首次since=0；以返回的next作为下次的since；more为true时可立即再取。',
          querystring: z.object({ since: z.coerce.number().int().min(0).default(0).describe('上次返回的next'), limit: z.coerce.number().int().min(1).max(1000).default(100) }),
          response: { 200: feed, ...errorResponses },
        },
      },
      async (req) => exchange.feed(req.query.since, req.query.limit),
    );

    app.get(
      '/api/v1/exchange/my-subscriptions',
      { config: system, schema: { tags: ['exchange'], summary: '本系统账号的订阅（签名请求）', response: { 200: subscriptionList, ...errorResponses } } },
      async (req) => ({ items: await exchange.list(req.principal?.id ?? '') }),
    );
  };
}
