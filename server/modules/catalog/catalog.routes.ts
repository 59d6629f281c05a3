/**
 * Read API of the legal-basis registry and the working-day calendar. The catalogs are public
 * information (the 目录 and 清单 are published), so reads are public; changing a calendar year
 * is for the credit office.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ItemReviewView, ReviewSettingsView } from '../../../common/catalog-api.js';
import { cacheControlFor } from '../../../common/classification.js';
import { holdsIdNumber } from '../../../common/identifiers/index.js';
import { MAX_SPAN_DAYS } from '../../platform/calendar/working-calendar.js';
import { AppError } from '../../platform/errors.js';
import { errorResponses, realDate } from '../../platform/http-schemas.js';
import { holidayYearProblems } from './catalog.loader.js';
import { holidayYear } from './catalog.schema.js';
import { actorOf, type AuditLog } from '../audit/index.js';
import { entryPresenter, reviewPresenter } from './catalog.presenter.js';
import type { CatalogService, Versioned } from './catalog.service.js';
import type { CatalogKind } from './catalog.tables.js';

const isoDate = realDate;

const holidayYearBody = holidayYear.omit({ year: true });

const basisView = z.object({
  instrument: z.string(),
  title: z.string().nullable(),
  number: z.string().nullable(),
  issuer: z.string().nullable(),
  level: z.string().nullable(),
  version: z.string().nullable(),
  effectiveDate: z.string().nullable(),
  article: z.string().nullable(),
  verification: z.enum(['verified', 'recalled']),
  note: z.string().nullable(),
});

const entryView = z.object({
  code: z.string(),
  version: z.number().int(),
  loadedAt: z.string(),
  sourceFile: z.string(),
  content: z.record(z.string(), z.unknown()),
  recordClassification: z.enum(['public', 'governmentShared', 'authorizedQuery', 'restrictedPersonal']).optional().describe('该信息项下记录的分级'),
  basis: z.array(basisView).optional(),
});

const itemReviewView = z.object({
  itemCode: z.string(),
  itemName: z.string(),
  review: z.boolean().describe('此时提交的批次是否须经审核员审核'),
  default: z.object({ review: z.boolean(), sourceFile: z.string(), version: z.number().int() }).describe('目录文件中的默认值及其来源'),
  setting: z.object({ review: z.boolean(), reason: z.string(), by: z.string(), at: z.string() }).nullable().describe('信用办的设置（覆盖默认值）；未设置时为null'),
}) satisfies z.ZodType<ItemReviewView>;

const KINDS = {
  'info-items': 'infoItem',
  measures: 'measure',
  'list-types': 'listType',
  'legal-instruments': 'legalInstrument',
  'period-rules': 'periodRule',
  'time-limits': 'timeLimit',
  'code-tables': 'codeTable',
} as const satisfies Record<string, CatalogKind>;

const LABELS: Record<keyof typeof KINDS, string> = {
  'info-items': '公共信用信息目录（信息项）',
  measures: '守信激励和失信惩戒措施清单',
  'list-types': '名单类型',
  'legal-instruments': '法律依据',
  'period-rules': '失信信息公示期限规则',
  'time-limits': '办理时限',
  'code-tables': '代码表',
};

export function catalogRoutes(catalog: CatalogService, audit: AuditLog): FastifyPluginAsyncZod {
  const view = entryPresenter((code) => catalog.get('legalInstrument', code)?.content);

  return async (app) => {
    const open = { policy: { public: true as const } };
    for (const [path, kind] of Object.entries(KINDS) as [keyof typeof KINDS, CatalogKind][]) {
      app.get(
        `/api/v1/catalog/${path}`,
        { config: open, schema: { tags: ['catalog'], summary: `${LABELS[path]}（现行版本）`, response: { 200: z.array(entryView), ...errorResponses } } },
        async (_req, reply) => {
          // The catalogs are published information: cacheable (see common/classification.ts).
          reply.header('cache-control', cacheControlFor('public'));
          return (catalog.list(kind as never) as Versioned<unknown>[]).map(view);
        },
      );
      app.get(
        `/api/v1/catalog/${path}/:code`,
        {
          config: open,
          schema: {
            tags: ['catalog'],
            summary: `${LABELS[path]}：单项及其历史版本`,
            params: z.object({ code: z.string().max(64) }),
            response: { 200: entryView.extend({ history: z.array(entryView) }), ...errorResponses },
          },
        },
        async (req) => {
          const versions = await catalog.versions(kind, req.params.code);
          const [latest] = versions;
          if (!latest) throw new AppError('NOT_FOUND', { kind: path, code: req.params.code }, `${LABELS[path]}中没有代码为「${req.params.code}」的条目`);
          return { ...view(latest), history: versions.slice(1).map(view) };
        },
      );
    }

    // Review per item: the business roles see the setting (administrators stay out of business data,
    // 三员分立); only the credit office changes it.
    app.get(
      '/api/v1/catalog/review-settings',
      {
        config: { policy: { roles: ['creditOffice', 'submitter', 'reviewer', 'implementer'] } },
        schema: {
          tags: ['catalog'],
          summary: '各信息项是否须经审核：目录默认值、信用办的设置及生效结果',
          response: { 200: z.object({ canChange: z.boolean(), items: z.array(itemReviewView) }) satisfies z.ZodType<ReviewSettingsView>, ...errorResponses },
        },
      },
      async (req) => ({ canChange: req.principal?.roles.includes('creditOffice') === true, items: (await catalog.reviewSettings()).map(reviewPresenter) }),
    );

    app.put(
      '/api/v1/catalog/info-items/:code/review',
      {
        config: { policy: { roles: ['creditOffice'] } },
        schema: {
          tags: ['catalog'],
          summary: '开启或关闭信息项的审核（信用办；此后提交的批次生效，已在等待审核的批次仍须审核）',
          params: z.object({ code: z.string().max(64) }),
          body: z.object({
            review: z.boolean(),
            reason: z
              .string()
              .trim()
              .min(2, '请填写更改理由（至少2个字）')
              .max(500, '更改理由最多500个字')
              // The audit log refuses an ID number in clear (a 500): a reason with one is refused first, saying why.
              .refine((r) => !holdsIdNumber(r), '更改理由会记入审计日志，不能写身份证号码，请改写')
              .describe('更改理由'),
          }),
          response: { 200: itemReviewView, ...errorResponses },
        },
      },
      async (req) => {
        const actor = actorOf(req);
        const display = actor.displayName && actor.displayName !== actor.name ? `${actor.displayName}（${actor.name}）` : actor.name;
        const changed = await catalog.setReview(req.params.code, req.body.review, req.body.reason, { id: actor.id, name: actor.name, display }, (trx, change) =>
          audit.record(trx, {
            category: 'business', event: 'catalog.review.set', actor, result: 'success', objectType: 'infoItem', objectId: req.params.code, reason: req.body.reason,
            details: { review: change.review, previous: change.previous, default: change.defaultReview },
          }).then(() => undefined),
        );
        return reviewPresenter(changed);
      },
    );

    app.get(
      '/api/v1/calendar/years',
      {
        config: open,
        schema: {
          tags: ['calendar'],
          summary: '已加载的节假日安排年度',
          response: { 200: z.array(z.object({ year: z.number(), notice: z.string(), noticeDate: z.string().nullable(), verified: z.boolean(), source: z.string() })) },
        },
      },
      async () => catalog.holidayYears(),
    );

    app.get(
      '/api/v1/calendar/years/:year',
      {
        config: open,
        schema: {
          tags: ['calendar'],
          summary: '某年度的放假和调休上班日',
          params: z.object({ year: z.coerce.number().int().min(2000).max(2100) }),
          response: { 200: z.array(z.object({ day: z.string(), kind: z.enum(['off', 'work']), holiday: z.string() })), ...errorResponses },
        },
      },
      async (req) => {
        if (!catalog.calendar.hasYear(req.params.year)) throw new AppError('NOT_FOUND', { year: req.params.year }, `尚未加载${req.params.year}年节假日安排`);
        return catalog.calendarDays(req.params.year);
      },
    );

    app.put(
      '/api/v1/calendar/years/:year',
      {
        config: { policy: { roles: ['creditOffice'] } },
        schema: {
          tags: ['calendar'],
          summary: '新增或更正某年度节假日安排（无需改代码）',
          params: z.object({ year: z.coerce.number().int().min(2000).max(2100) }),
          body: holidayYearBody,
          response: { 204: z.null(), ...errorResponses },
        },
      },
      async (req, reply) => {
        const y = { ...req.body, year: req.params.year };
        // The same checks as a file in catalog/holidays/ gets at start.
        const problems = holidayYearProblems(y);
        if (problems.length > 0) throw new AppError('CALENDAR_INVALID', problems);
        await catalog.putHolidayYear(y, `api:${req.principal?.id ?? 'unknown'}`, (trx) =>
          audit.record(trx, { category: 'business', event: 'calendar.update', actor: actorOf(req), result: 'success', objectType: 'calendarYear', objectId: String(y.year), details: { notice: y.notice, holidays: y.holidays.length } }).then(() => undefined),
        );
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/api/v1/calendar/working-days',
      {
        config: open,
        schema: {
          tags: ['calendar'],
          summary: '工作日计算：from之后第add个工作日，或from至to之间的工作日数',
          querystring: z.object({ from: isoDate, add: z.coerce.number().int().min(-MAX_SPAN_DAYS).max(MAX_SPAN_DAYS).optional(), to: isoDate.optional() }),
          response: {
            200: z.object({ from: z.string(), isWorkingDay: z.boolean(), result: z.string().optional(), workingDaysBetween: z.number().int().optional(), yearsWithoutSchedule: z.array(z.number()) }),
            ...errorResponses,
          },
        },
      },
      async (req) => {
        const { from, add, to } = req.query;
        const cal = catalog.calendar;
        if (to !== undefined && Math.abs(Date.parse(to) - Date.parse(from)) > MAX_SPAN_DAYS * 86_400_000) {
          throw new AppError('VALIDATION_FAILED', [{ path: '/to', message: `from与to相距不得超过${MAX_SPAN_DAYS}天` }]);
        }
        const result = add !== undefined ? cal.addWorkingDays(from, add) : undefined;
        const between = to !== undefined ? cal.workingDaysBetween(from, to) : undefined;
        const years = new Set([from, result, to].filter((d): d is string => !!d).map((d) => Number(d.slice(0, 4))));
        return {
          from,
          isWorkingDay: cal.isWorkingDay(from),
          ...(result !== undefined ? { result } : {}),
          ...(between !== undefined ? { workingDaysBetween: between } : {}),
          yearsWithoutSchedule: [...years].filter((y) => !cal.hasYear(y)).sort(),
        };
      },
    );
  };
}
