/**
 * Notices over HTTP. The credit office's API (`/api/v1/notices`, role creditOffice) writes,
 * publishes, withdraws and attaches files; the portal's (`/api/public/v1/notices`, anonymous)
 * reads published notices only. Public answers carry an ETag and `no-cache`: a browser or proxy
 * may keep them but asks again each time (a 304 when nothing changed), so a withdrawn notice is
 * gone from the next page view, not a minute later.
 */
import type { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { NoticeListView, NoticeView, PublicNotice, PublicNoticeList } from '../../../common/notices-api.js';
import { findUnsafeCharacter, limitText, normalizeName, revealUnsafe, unsafeReason } from '../../../common/text.js';
import { AppError } from '../../platform/errors.js';
import { notModified, sendRevalidated } from '../../platform/etag.js';
import { errorResponses } from '../../platform/http-schemas.js';
import { actorOf } from '../audit/index.js';
import { ALLOWED_TEXT, ATTACHMENT_KINDS } from './notices.files.js';
import { publicNotice, publicSummary, staffNotice } from './notices.presenter.js';
import type { AttachmentRow } from './notices.repo.js';
import type { NoticesService, NoticeWithAttachments } from './notices.service.js';

export interface NoticesRouteDeps {
  notices: NoticesService;
  /** Attachment uploads per account per minute (the collection uploads' setting). */
  uploadRateLimit: number;
}

const attachment = z.object({ id: z.string(), name: z.string(), mediaType: z.string(), size: z.number().int() });
const noticeView = z.object({
  id: z.string(),
  title: z.string(),
  body: z.string(),
  status: z.enum(['draft', 'published', 'withdrawn']),
  version: z.number().int(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  updatedBy: z.string(),
  publishedAt: z.string().nullable(),
  publishedBy: z.string().nullable(),
  withdrawnAt: z.string().nullable(),
  withdrawnBy: z.string().nullable(),
  withdrawReason: z.string().nullable(),
  attachments: z.array(attachment),
}) satisfies z.ZodType<NoticeView>;
const noticeList = z.object({ items: z.array(noticeView), total: z.number().int(), maxAttachmentBytes: z.number().int() }) satisfies z.ZodType<NoticeListView>;
const publicList = z.object({
  items: z.array(z.object({ id: z.string(), title: z.string(), publishedAt: z.string(), excerpt: z.string(), attachments: z.number().int() })),
  total: z.number().int(),
}) satisfies z.ZodType<PublicNoticeList>;
const publicView = z.object({ id: z.string(), title: z.string(), body: z.string(), publishedAt: z.string(), attachments: z.array(attachment) }) satisfies z.ZodType<PublicNotice>;

// Line breaks are kept (paragraphs); \r\n from a Windows clipboard becomes \n.
const draftBody = z.object({
  title: z.string().trim().min(2, '标题至少2个字').max(100, '标题最多100个字').describe('标题'),
  body: z.string().transform((s) => s.replace(/\r\n?/g, '\n').trim()).pipe(z.string().min(1, '正文不能为空').max(20_000, '正文最多20000个字')).describe('正文：纯文本，空行分段；按文本显示，不解释HTML'),
});
const version = z.number().int().min(1).describe('所依据的版本号（页面上的version）；他人已修改时拒绝');
const ids = z.object({ id: z.string().max(64) });
const attachmentIds = z.object({ id: z.string().max(64), attachmentId: z.string().max(64) });
const page = z.coerce.number().int().min(1).max(1000).default(1);

const UPLOAD_TYPES = ['application/octet-stream', ...Object.values(ATTACHMENT_KINDS).map((k) => k.mediaType)];

/** A public answer: serialized once through its schema, ETag, stored but revalidated each time. */
function sendPublic<T>(req: FastifyRequest, reply: FastifyReply, schema: z.ZodType<T>, body: T): FastifyReply {
  return sendRevalidated(req, reply, JSON.stringify(schema.parse(body)), 'public, no-cache');
}

/** The file as a download, never shown inline: a browser must not render or run what it holds. */
/** RFC 5987 value: encodeURIComponent leaves ' ( ) * as they are, which the attr-char set does not allow. */
const rfc5987 = (name: string) => encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function sendFile(reply: FastifyReply, row: AttachmentRow, body: Readable): FastifyReply {
  const ext = /\.([A-Za-z0-9]+)$/.exec(row.name)?.[1]?.toLowerCase() ?? 'bin';
  return reply
    .type(row.media_type)
    .header('content-length', String(row.size))
    .header('content-disposition', `attachment; filename="attachment.${ext}"; filename*=UTF-8''${rfc5987(row.name)}`)
    .header('content-security-policy', "default-src 'none'; sandbox")
    .send(body);
}

/**
 * The attachment's original name, percent-encoded by the client (headers are ASCII): its last
 * segment, NFKC, bounded; control and invisible characters refused like in any other input.
 */
function fileName(header: string | string[] | undefined): string {
  const raw = Array.isArray(header) ? header[0] : header;
  if (!raw) throw new AppError('VALIDATION_FAILED', [{ in: 'headers', path: '/x-file-name', message: '缺少文件名' }], '缺少文件名：上传附件须在请求头x-file-name中给出文件名（URL编码），如「关于…的通知.pdf」');
  let name = raw;
  try {
    name = decodeURIComponent(raw);
  } catch {
    // not encoded: used as it is
  }
  const unsafe = findUnsafeCharacter(name);
  if (unsafe) throw new AppError('INPUT_UNSAFE_CHARACTER', [{ in: 'headers', path: '/x-file-name', message: unsafeReason(unsafe) }], `附件的文件名（请求头x-file-name）的${unsafeReason(unsafe)}`);
  const last = normalizeName(name.split(/[\\/]/).pop() ?? '').trim();
  if (!last) throw new AppError('VALIDATION_FAILED', [{ in: 'headers', path: '/x-file-name', message: '文件名为空' }], '附件的文件名为空：请在请求头x-file-name中给出文件名');
  return [...last].slice(0, 120).join('');
}

export function noticesRoutes(deps: NoticesRouteDeps): FastifyPluginAsyncZod {
  const { notices } = deps;
  return async (app) => {
    const office = { policy: { roles: ['creditOffice'] as const } };
    const present = (n: NoticeWithAttachments) => staffNotice(n.notice, n.attachments);

    app.get(
      '/api/v1/notices',
      {
        config: office,
        schema: {
          tags: ['notices'],
          summary: '信用动态与通知公告（信用办；含草稿和已撤回的），最近修改的在前',
          querystring: z.object({ status: z.enum(['draft', 'published', 'withdrawn']).optional(), page, pageSize: z.coerce.number().int().min(1).max(100).default(20) }),
          response: { 200: noticeList, ...errorResponses },
        },
      },
      async (req) => {
        const r = await notices.list(req.query.status, req.query.page, req.query.pageSize);
        return { items: r.items.map(present), total: r.total, maxAttachmentBytes: notices.maxAttachmentBytes };
      },
    );

    app.get(
      '/api/v1/notices/:id',
      { config: office, schema: { tags: ['notices'], summary: '一条公告（任何状态）', params: ids, response: { 200: noticeView, ...errorResponses } } },
      async (req) => present(await notices.get(req.params.id)),
    );

    app.post(
      '/api/v1/notices',
      { config: office, schema: { tags: ['notices'], summary: '新建公告（草稿）', body: draftBody, response: { 201: noticeView, ...errorResponses } } },
      async (req, reply) => reply.code(201).send(present(await notices.create(req.body, actorOf(req)))),
    );

    app.put(
      '/api/v1/notices/:id',
      {
        config: office,
        schema: { tags: ['notices'], summary: '修改草稿的标题和正文', params: ids, body: draftBody.extend({ version }), response: { 200: noticeView, ...errorResponses } },
      },
      async (req) => present(await notices.update(req.params.id, req.body.version, req.body, actorOf(req))),
    );

    app.post(
      '/api/v1/notices/:id/publish',
      { config: office, schema: { tags: ['notices'], summary: '发布草稿：此后门户可见', params: ids, body: z.object({ version }), response: { 200: noticeView, ...errorResponses } } },
      async (req) => present(await notices.fire(req.params.id, 'publish', req.body.version, undefined, actorOf(req))),
    );

    app.post(
      '/api/v1/notices/:id/withdraw',
      {
        config: office,
        schema: {
          tags: ['notices'],
          summary: '撤回已发布的公告（须填写理由）：门户不再显示它和它的附件',
          params: ids,
          body: z.object({ version, reason: z.string().trim().min(2, '请填写撤回理由（至少2个字）').max(500, '撤回理由最多500个字').describe('撤回理由') }),
          response: { 200: noticeView, ...errorResponses },
        },
      },
      async (req) => present(await notices.fire(req.params.id, 'withdraw', req.body.version, req.body.reason, actorOf(req))),
    );

    app.post(
      '/api/v1/notices/:id/revise',
      { config: office, schema: { tags: ['notices'], summary: '把已撤回的公告改回草稿，以便更正后重新发布', params: ids, body: z.object({ version }), response: { 200: noticeView, ...errorResponses } } },
      async (req) => present(await notices.fire(req.params.id, 'revise', req.body.version, undefined, actorOf(req))),
    );

    app.delete(
      '/api/v1/notices/:id/attachments/:attachmentId',
      { config: office, schema: { tags: ['notices'], summary: '删除草稿的附件', params: attachmentIds, response: { 200: noticeView, ...errorResponses } } },
      async (req) => present(await notices.removeAttachment(req.params.id, req.params.attachmentId, actorOf(req))),
    );

    app.get(
      '/api/v1/notices/:id/attachments/:attachmentId',
      { config: office, schema: { tags: ['notices'], summary: '下载附件（信用办，任何状态的公告）', params: attachmentIds } },
      async (req, reply) => {
        const { row, open } = await notices.attachment(req.params.id, req.params.attachmentId, 'creditOffice');
        return sendFile(reply, row, open());
      },
    );

    // Uploads: the body is the file itself, read up to the limit; what it is is decided by its content.
    await app.register(async (plain) => {
      const files = plain.withTypeProvider<ZodTypeProvider>();
      files.removeAllContentTypeParsers();
      files.addContentTypeParser(UPLOAD_TYPES, (_req, payload, done) => done(null, payload));
      files.post(
        '/api/v1/notices/:id/attachments',
        {
          config: {
            ...office,
            rateLimit: {
              max: deps.uploadRateLimit,
              timeWindow: '1 minute',
              keyGenerator: (req: FastifyRequest) => `notice-upload:${req.principal?.id ?? req.ip}`,
              errorResponseBuilder: () => new AppError('RATE_LIMITED', undefined, `上传附件过于频繁：每个账号每分钟最多${deps.uploadRateLimit}次，请稍后再试`),
            },
          },
          schema: {
            tags: ['notices'],
            summary: `为草稿添加附件（${ALLOWED_TEXT}；请求体为文件内容，文件名放在x-file-name头，URL编码）`,
            params: ids,
            consumes: UPLOAD_TYPES,
            body: z.any().describe('文件内容'),
            response: { 201: noticeView, ...errorResponses },
          },
          onRequest: async (req) => {
            // Said before the body is read.
            const type = String(req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
            if (!UPLOAD_TYPES.includes(type)) {
              throw new AppError(
                'UNSUPPORTED_MEDIA_TYPE',
                { contentType: limitText(revealUnsafe(type), 60) },
                `上传附件时请求体应为文件本身（Content-Type为application/octet-stream或文件的类型）${type ? `，不能是「${limitText(revealUnsafe(type), 60)}」` : '，请求没有Content-Type'}：附件只能是${ALLOWED_TEXT}`,
              );
            }
            if (Number(req.headers['content-length'] ?? 0) > notices.maxAttachmentBytes) throw notices.tooLarge(fileName(req.headers['x-file-name']));
          },
        },
        async (req, reply) => {
          const name = fileName(req.headers['x-file-name']);
          if (!req.body || typeof (req.body as Readable).pipe !== 'function') throw new AppError('UNSUPPORTED_MEDIA_TYPE', undefined, '请求体应为附件的文件内容');
          return reply.code(201).send(present(await notices.addAttachment(req.params.id, name, req.body as Readable, actorOf(req))));
        },
      );
    });
  };
}

/** The portal's part; registered beside the portal's own routes, so it shares their rate limit. */
export function noticesPublicRoutes(deps: { notices: NoticesService }): FastifyPluginAsyncZod {
  const { notices } = deps;
  return async (app) => {
    const config = { policy: { public: true as const } };
    app.get(
      '/api/public/v1/notices',
      {
        config,
        schema: {
          tags: ['public'],
          summary: '信用动态与通知公告：已发布的，最新的在前',
          querystring: z.object({ page, pageSize: z.coerce.number().int().min(1).max(50).default(10) }),
          response: { 200: publicList, ...errorResponses },
        },
      },
      async (req, reply) => {
        const r = await notices.publishedPage(req.query.page, req.query.pageSize);
        return sendPublic(req, reply, publicList, { items: r.items.map((n) => publicSummary(n.notice, n.attachments.length)), total: r.total });
      },
    );
    app.get(
      '/api/public/v1/notices/:id',
      { config, schema: { tags: ['public'], summary: '一条已发布的公告：标题、正文（纯文本）、发布日期和附件', params: ids, response: { 200: publicView, ...errorResponses } } },
      async (req, reply) => {
        const n = await notices.published(req.params.id);
        return sendPublic(req, reply, publicView, publicNotice(n.notice, n.attachments));
      },
    );
    app.get(
      '/api/public/v1/notices/:id/attachments/:attachmentId',
      { config, schema: { tags: ['public'], summary: '下载已发布公告的附件（作为附件下载，不在浏览器中打开）', params: attachmentIds } },
      async (req, reply) => {
        const { row, open } = await notices.attachment(req.params.id, req.params.attachmentId, 'public');
        const tag = `"${row.file_id.slice(0, 32)}"`;
        reply.header('etag', tag).header('cache-control', 'public, no-cache');
        if (notModified(req.headers['if-none-match'], tag)) return reply.code(304).send();
        return sendFile(reply, row, open());
      },
    );
  };
}
