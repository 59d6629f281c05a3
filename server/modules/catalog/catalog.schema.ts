/** Shapes of the reviewable data files in catalog/. Unknown keys are refused to catch typos. */
import { z } from 'zod';
import { isRealDate, whyNotADate } from '../../../common/dates.js';

const isoDate = z
  .union([z.string(), z.date()])
  .transform((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v))
  .pipe(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为YYYY-MM-DD').refine(isRealDate, { error: (iss) => `「${String(iss.input)}」不是有效日期（${whyNotADate(String(iss.input)) ?? '请检查月份和该月的天数'}）` }));

export const verification = z.enum(['verified', 'recalled']);

export const basisRef = z.strictObject({
  instrument: z.string().min(1),
  article: z.string().optional(),
  verification: verification.optional(),
  note: z.string().optional(),
});

export const legalInstrument = z.strictObject({
  code: z.string().regex(/^[A-Z0-9-]+$/),
  title: z.string().min(1),
  issuer: z.string().min(1),
  number: z.string().optional(),
  level: z.enum(['law', 'administrativeRegulation', 'judicialInterpretation', 'departmentalRule', 'policyDocument', 'nationalStandard', 'localRegulation']),
  version: z.string().min(1),
  effectiveDate: isoDate,
  verification,
  note: z.string().optional(),
  /** 时效性 as the portal's 政策法规 shows it: absent means 现行有效 (inForce). */
  status: z.enum(['inForce', 'amended', 'repealed']).optional(),
  /** The instrument that amended or repealed this one (its effective date is the day this one stopped). */
  replacedBy: z.string().optional(),
});

export const codeTable = z.strictObject({
  code: z.string().regex(/^[A-Z_]+$/),
  name: z.string().min(1),
  source: z.string().min(1),
  multi: z.boolean().optional(),
  allowOther: z.boolean().optional(),
  values: z
    .array(z.strictObject({ value: z.string().min(1), label: z.string().optional(), aliases: z.array(z.string()).optional() }))
    .min(1),
});

export const fieldType = z.enum(['text', 'date', 'dateOrLongTerm', 'decimal', 'enum', 'multiEnum', 'uscc', 'idNumber']);

export const field = z.strictObject({
  code: z.string().regex(/^[A-Z][A-Z0-9_]*$/),
  label: z.string().min(1),
  type: fieldType,
  required: z.boolean().optional(),
  maxLength: z.number().int().positive().optional(),
  enum: z.string().optional(),
  separator: z.string().optional(),
  unit: z.string().optional(),
  scale: z.number().int().min(0).optional(),
  min: z.number().optional(),
  personal: z.boolean().optional(),
  public: z.boolean().optional(),
  masking: z.enum(['none', 'personName', 'personNameIfPerson', 'idNumber', 'hidden']).optional(),
  note: z.string().optional(),
});

export const rule = z
  .strictObject({
    code: z.string().regex(/^[A-Z0-9_]+$/),
    message: z.string().min(1),
    when: z
      .strictObject({ field: z.string(), in: z.array(z.string()).optional(), includes: z.array(z.string()).optional() })
      .optional(),
    require: z.array(z.string()).optional(),
    forbid: z.array(z.string()).optional(),
    pattern: z.strictObject({ field: z.string(), regex: z.string() }).optional(),
    dateOrder: z.tuple([z.string(), z.string()]).optional(),
  })
  .refine((r) => [r.require, r.forbid, r.pattern, r.dateOrder].filter(Boolean).length === 1, {
    message: '每条规则须且只能定义require、forbid、pattern、dateOrder之一',
  });

export const severity = z.enum(['positive', 'minor', 'general', 'serious']);

export const severityRule = z.strictObject({
  severity,
  /** includes: any of the values present; only: every value among these. */
  when: z.strictObject({ field: z.string(), includes: z.array(z.string()).optional(), only: z.array(z.string()).optional() }),
  /** And an amount (万元) at most this, by subject kind (e.g. 简易程序 fines). */
  maxAmount: z.strictObject({ field: z.string(), organization: z.number().min(0), person: z.number().min(0) }).optional(),
  basis: z.array(basisRef).optional(),
  note: z.string().optional(),
});

export const infoItem = z.strictObject({
  code: z.string().regex(/^[A-Z0-9_-]+$/),
  name: z.string().min(1),
  category: z.enum([
    'registration', 'permit', 'penalty', 'enforcement', 'confirmation', 'levy', 'payment', 'ruling', 'compensation', 'reward', 'inspection',
    'courtJudgment', 'judgmentDefaulter', 'seriousDishonestyList', 'redList', 'watchList', 'commitment', 'evaluation', 'contractPerformance', 'voluntary',
  ]),
  version: z.number().int().positive(),
  effectiveFrom: isoDate,
  effectiveTo: isoDate.optional(),
  subjectTypes: z.array(z.enum(['organization', 'individualBusiness', 'person'])).min(1),
  providers: z.array(z.string()).min(1),
  basis: z.array(basisRef).min(1, '信息项必须有法律依据'),
  sharingScope: z.enum(['unconditional', 'conditional', 'none']),
  disclosure: z.enum(['public', 'authorizedQuery', 'governmentSharing']),
  severities: z.array(severity).min(1),
  publicityRule: z.union([z.string(), z.array(z.string())]).optional(),
  timeLimits: z.array(z.string()).optional(),
  listType: z.string().optional(),
  naturalKey: z.array(z.string()).min(1),
  decisionDateField: z.string(),
  /** The field holding the data-source unit's USCC: it must be the submitting department's own code. */
  providerCodeField: z.string().optional(),
  /**
   * Records wait for the department's reviewer (审核员) before publication. The default: the credit
   * office's setting in the console overrides it (info_item_review, CatalogService.reviewRequired).
   */
  review: z.boolean().optional(),
  /**
   * How a record's severity follows from its content; the first rule that matches decides, else
   * `defaultSeverity` (or the item's only severity). Severity chooses the publicity period.
   */
  severityRules: z.array(severityRule).optional(),
  defaultSeverity: severity.optional(),
  /** For items published while valid (permits): the field holding the end of validity (长期 = open-ended). */
  validUntilField: z.string().optional(),
  /** Where the department may set the end of publicity itself, honoured within the rule's range. */
  publicityEndField: z.string().optional(),
  /** The field stating a record's own legal basis (CF_YJ 处罚依据); the portal shows it with each record. */
  basisField: z.string().optional(),
  /** The field the 双公示 pages filter by category (CF_CFLB 处罚类别, XK_XKLB 许可类别). */
  categoryField: z.string().optional(),
  /** The field naming the unit the data came from (CF_SJLY 数据来源单位), shown as the record's source. */
  sourceField: z.string().optional(),
  /** A field and the values that mean the record is no longer in force (XK_ZT 2 无效): not published. */
  inactiveWhen: z.strictObject({ field: z.string(), in: z.array(z.string()).min(1) }).optional(),
  subjectFields: z.record(z.string(), z.string()),
  /** Older header names → current field code, or null for legacy columns that are ignored. */
  legacyHeaders: z.record(z.string(), z.string().nullable()).optional(),
  notPublishedForPersons: z.array(z.string()).optional(),
  fields: z.array(field).min(1),
  rules: z.array(rule).optional(),
});

export const measure = z.strictObject({
  code: z.string().regex(/^[PI]-\d{2}$/),
  kind: z.enum(['punishment', 'incentive']),
  nature: z.enum(['administrative', 'market', 'industry', 'social']),
  group: z.enum(['G1', 'G2', 'G3']).optional(),
  name: z.string().min(1),
  content: z.string().min(1),
  basis: z.array(basisRef).min(1, '措施必须有法律依据'),
  targets: z.array(z.enum(['subject', 'legalRepresentative', 'responsiblePersons'])).min(1),
  implementingDepartments: z.array(z.string()).min(1),
  mandatory: z.boolean(),
  triggers: z.array(z.string()),
  durationMonths: z.number().int().positive().optional(),
  note: z.string().optional(),
});

export const listType = z.strictObject({
  code: z.string().regex(/^[LRW]-\d{2}$/),
  name: z.string().min(1),
  kind: z.enum(['seriousList', 'redList', 'watchList']),
  basis: z.array(basisRef).min(1, '名单必须有法律依据'),
  determiningDepartments: z.array(z.string()).min(1),
  standard: z.string().min(1),
  durationMonths: z.number().int().positive().nullable(),
  durationNote: z.string().optional(),
  removal: z.string().min(1),
  earlyRemoval: z.string().optional(),
  remedies: z.string().min(1),
  objectionWindowDays: z.number().int().positive(),
});

const severityPeriod = z.strictObject({
  published: z.boolean(),
  minMonths: z.number().int().min(0).optional(),
  maxMonths: z.number().int().positive().optional(),
  whileValid: z.boolean().optional(),
  repair: z.enum(['onFulfilment', 'afterMinimum', 'never']).optional(),
  note: z.string().optional(),
});

export const periodRule = z.strictObject({
  code: z.string().regex(/^[A-Z0-9-]+$/),
  name: z.string().min(1),
  basis: z.array(basisRef).min(1),
  appliesToDecisionsFrom: isoDate.optional(),
  appliesToDecisionsBefore: isoDate.optional(),
  severities: z.partialRecord(severity, severityPeriod),
});

export const timeLimit = z.strictObject({
  code: z.string().regex(/^[A-Z_]+$/),
  name: z.string().min(1),
  value: z.number().int().min(0),
  unit: z.enum(['workingDays', 'days', 'months', 'years', 'count']),
  from: z.string().optional(),
  note: z.string().optional(),
  basis: z.array(basisRef).min(1),
});

export const holidayYear = z.strictObject({
  year: z.number().int().min(2000).max(2100),
  notice: z.string().min(1),
  noticeDate: isoDate.optional(),
  verified: z.boolean(),
  holidays: z.array(
    z.strictObject({ name: z.string().min(1), off: z.tuple([isoDate, isoDate]), work: z.array(isoDate).optional() }),
  ),
});

export type LegalInstrument = z.infer<typeof legalInstrument>;
export type CodeTable = z.infer<typeof codeTable>;
export type InfoItem = z.infer<typeof infoItem>;
export type Measure = z.infer<typeof measure>;
export type ListType = z.infer<typeof listType>;
export type PeriodRule = z.infer<typeof periodRule>;
export type TimeLimit = z.infer<typeof timeLimit>;
export type HolidayYear = z.infer<typeof holidayYear>;
export type CatalogField = z.infer<typeof field>;
