/**
 * 政策法规: the legal instruments of the catalog as the portal publishes them — each with its
 * standing (现行有效, 尚未施行, 已修改, 已废止), the articles the catalog cites, and the catalog
 * entries resting on it (information items, measures, list types, publicity periods, time limits).
 * Read-only: everything is derived from the catalog's current versions, so a catalog change shows
 * here with the next load. The other way round (an entry's instruments) is the entry's own `basis`
 * (GET /api/v1/catalog/measures/{code} …).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { cacheControlFor } from '../../../common/classification.js';
import { chinaToday } from '../../../common/dates.js';
import type { PolicyDetail, PolicyLevel, PolicyLink, PolicyLinkKind, PolicyList, PolicyRef, PolicyStatus, PolicySummary } from '../../../common/policies-api.js';
import { AppError } from '../../platform/errors.js';
import { sendRevalidated } from '../../platform/etag.js';
import { errorResponses } from '../../platform/http-schemas.js';
import type { LegalInstrument } from './catalog.schema.js';
import type { CatalogService } from './catalog.service.js';

/** The order instruments are listed in: by legal force, highest first. */
export const POLICY_LEVELS: readonly PolicyLevel[] = ['law', 'administrativeRegulation', 'judicialInterpretation', 'departmentalRule', 'localRegulation', 'policyDocument', 'nationalStandard'];
const LINK_KINDS: readonly PolicyLinkKind[] = ['infoItem', 'measure', 'listType', 'periodRule', 'timeLimit'];

type Ref = { instrument: string; article?: string | undefined };

/** 一百一十三 → 113; 十六 → 16. Enough for article numbers; anything else is NaN. */
function chineseNumber(s: string): number {
  const digits: Record<string, number> = { 零: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
  const units: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };
  let total = 0;
  let pending = 0;
  for (const ch of s) {
    if (ch in digits) pending = digits[ch] as number;
    else if (ch in units) {
      total += (pending || 1) * (units[ch] as number);
      pending = 0;
    } else return Number.NaN;
  }
  return total + pending;
}

/** Where an article stands in its instrument (第二十二条第一款 → 22); unknown shapes go last. */
export function articleOrder(article: string): number {
  const m = /^第([零一二两三四五六七八九十百千]+)条/.exec(article);
  const n = m?.[1] ? chineseNumber(m[1]) : Number.NaN;
  return Number.isNaN(n) ? Number.MAX_SAFE_INTEGER : n;
}

/** 「第十二条第（三）项、第二十八条」 cites two articles. */
function splitArticles(article: string | undefined): string[] {
  return (article ?? '').split('、').map((a) => a.trim()).filter(Boolean);
}

interface Index {
  instruments: LegalInstrument[];
  /** Instrument code → the entries citing it, each with the articles cited. */
  links: Map<string, PolicyLink[]>;
}

function buildIndex(catalog: CatalogService): Index {
  const links = new Map<string, PolicyLink[]>();
  const cite = (kind: PolicyLinkKind, code: string, name: string, refs: Ref[]) => {
    for (const ref of refs) {
      const list = links.get(ref.instrument) ?? [];
      let link = list.find((l) => l.kind === kind && l.code === code);
      if (!link) {
        link = { kind, code, name, articles: [] };
        list.push(link);
        links.set(ref.instrument, list);
      }
      for (const a of splitArticles(ref.article)) if (!link.articles.includes(a)) link.articles.push(a);
    }
  };
  for (const { content: i } of catalog.list('infoItem')) cite('infoItem', i.code, i.name, [...i.basis, ...(i.severityRules ?? []).flatMap((r) => r.basis ?? [])]);
  for (const { content: m } of catalog.list('measure')) cite('measure', m.code, m.name, m.basis);
  for (const { content: l } of catalog.list('listType')) cite('listType', l.code, l.name, l.basis);
  for (const { content: p } of catalog.list('periodRule')) cite('periodRule', p.code, p.name, p.basis);
  for (const { content: t } of catalog.list('timeLimit')) cite('timeLimit', t.code, t.name, t.basis);
  for (const list of links.values()) {
    list.sort((a, b) => LINK_KINDS.indexOf(a.kind) - LINK_KINDS.indexOf(b.kind) || a.code.localeCompare(b.code));
    for (const l of list) l.articles.sort((a, b) => articleOrder(a) - articleOrder(b));
  }
  return { instruments: catalog.list('legalInstrument').map((v) => v.content), links };
}

function statusOf(i: LegalInstrument, today: string): PolicyStatus {
  if (i.status === 'repealed' || i.status === 'amended') return i.status;
  return i.effectiveDate > today ? 'notYetInForce' : 'inForce';
}

function summary(i: LegalInstrument, index: Index, today: string): PolicySummary {
  const byCode = (code: string | undefined): PolicyRef | null => {
    const found = code ? index.instruments.find((x) => x.code === code) : undefined;
    return found ? { code: found.code, title: found.title } : null;
  };
  const links = index.links.get(i.code) ?? [];
  const counts = Object.fromEntries(LINK_KINDS.map((k) => [k, links.filter((l) => l.kind === k).length])) as Record<PolicyLinkKind, number>;
  return {
    code: i.code, title: i.title, issuer: i.issuer, number: i.number ?? null, level: i.level, version: i.version, effectiveDate: i.effectiveDate,
    status: statusOf(i, today), verification: i.verification, note: i.note ?? null, replacedBy: byCode(i.replacedBy), counts,
  };
}

/** Full-width letters and digits match their ordinary forms; case does not matter. */
const fold = (s: string) => s.normalize('NFKC').toLowerCase().replace(/\s+/g, '');

export function listPolicies(catalog: CatalogService, q: string | undefined, level: PolicyLevel | undefined, today = chinaToday()): PolicyList {
  const index = buildIndex(catalog);
  const needle = q ? fold(q) : '';
  const matching = index.instruments.filter((i) => !needle || [i.title, i.issuer, i.number ?? '', i.code].some((s) => fold(s).includes(needle)));
  const items = matching
    .filter((i) => !level || i.level === level)
    .sort((a, b) => POLICY_LEVELS.indexOf(a.level) - POLICY_LEVELS.indexOf(b.level) || b.effectiveDate.localeCompare(a.effectiveDate) || a.code.localeCompare(b.code))
    .map((i) => summary(i, index, today));
  const levels = POLICY_LEVELS.map((l) => ({ level: l, count: matching.filter((i) => i.level === l).length })).filter((l) => l.count > 0);
  return { items, total: items.length, levels };
}

export function policyDetail(catalog: CatalogService, code: string, today = chinaToday()): PolicyDetail | undefined {
  const index = buildIndex(catalog);
  const i = index.instruments.find((x) => x.code === code);
  if (!i) return undefined;
  const citedBy = index.links.get(code) ?? [];
  const articles = [...new Set(citedBy.flatMap((l) => l.articles))]
    .sort((a, b) => articleOrder(a) - articleOrder(b))
    .map((article) => ({ article, citedBy: citedBy.filter((l) => l.articles.includes(article)) }));
  const replaces = index.instruments.filter((x) => x.replacedBy === code).map((x) => ({ code: x.code, title: x.title }));
  return { ...summary(i, index, today), replaces, articles, citedBy };
}

const level = z.enum(POLICY_LEVELS as [PolicyLevel, ...PolicyLevel[]]);
const ref = z.object({ code: z.string(), title: z.string() }) satisfies z.ZodType<PolicyRef>;
const kind = z.enum(LINK_KINDS as [PolicyLinkKind, ...PolicyLinkKind[]]);
const link = z.object({ kind, code: z.string(), name: z.string(), articles: z.array(z.string()) }) satisfies z.ZodType<PolicyLink>;
const summaryView = z.object({
  code: z.string(),
  title: z.string(),
  issuer: z.string().describe('制定机关'),
  number: z.string().nullable().describe('文号'),
  level,
  version: z.string(),
  effectiveDate: z.string().describe('施行日期'),
  status: z.enum(['inForce', 'notYetInForce', 'amended', 'repealed']).describe('时效性：现行有效、尚未施行、已修改、已废止'),
  verification: z.enum(['verified', 'recalled']).describe('verified：已对照原文核实；recalled：待核实'),
  note: z.string().nullable(),
  replacedBy: ref.nullable(),
  counts: z.record(kind, z.number().int()),
}) satisfies z.ZodType<PolicySummary>;
const listView = z.object({ items: z.array(summaryView), total: z.number().int(), levels: z.array(z.object({ level, count: z.number().int() })) }) satisfies z.ZodType<PolicyList>;
const detailView = summaryView.extend({
  replaces: z.array(ref),
  articles: z.array(z.object({ article: z.string(), citedBy: z.array(link) })),
  citedBy: z.array(link),
}) satisfies z.ZodType<PolicyDetail>;

/** Published information: cacheable like the other catalogs, and revalidated by its ETag (RFC 9110 If-None-Match). */
function send<T>(req: FastifyRequest, reply: FastifyReply, schema: z.ZodType<T>, body: T): FastifyReply {
  return sendRevalidated(req, reply, JSON.stringify(schema.parse(body)), cacheControlFor('public'));
}

export function policiesRoutes(catalog: CatalogService): FastifyPluginAsyncZod {
  return async (app) => {
    const config = { policy: { public: true as const } };
    app.get(
      '/api/v1/catalog/policies',
      {
        config,
        schema: {
          tags: ['catalog'],
          summary: '政策法规：目录引用的法律依据及其时效性、被引用情况（可按名称、文号、制定机关搜索，按效力级别筛选）',
          querystring: z.object({
            q: z.string().trim().max(100, '搜索词最多100个字').optional().describe('名称、文号或制定机关的一部分'),
            level: level.optional().describe('效力级别'),
          }),
          response: { 200: listView, ...errorResponses },
        },
      },
      async (req, reply) => send(req, reply, listView, listPolicies(catalog, req.query.q, req.query.level)),
    );
    app.get(
      '/api/v1/catalog/policies/:code',
      {
        config,
        schema: {
          tags: ['catalog'],
          summary: '政策法规详情：时效性、目录引用的条款，以及依据它的信息项、措施和名单',
          params: z.object({ code: z.string().max(64) }),
          response: { 200: detailView, ...errorResponses },
        },
      },
      async (req, reply) => {
        const detail = policyDetail(catalog, req.params.code);
        if (!detail) throw new AppError('NOT_FOUND', { code: req.params.code }, `政策法规中没有代码为「${req.params.code}」的文件：它可能已从目录中移除，请回到政策法规列表查找`);
        return send(req, reply, detailView, detail);
      },
    );
  };
}
