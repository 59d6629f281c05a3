/** Schemas shared by routes: the one error shape every route lists, and dates as real dates. */
import { z } from 'zod';
import { isRealDate, whyNotADate } from '../../common/dates.js';

export const errorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

export const errorResponses = {
  400: errorBody,
  401: errorBody,
  403: errorBody,
  404: errorBody,
  409: errorBody,
  422: errorBody,
  429: errorBody,
  500: errorBody,
} as const;

/** A date parameter: YYYY-MM-DD and a day that exists, said in Chinese when it does not. */
export const realDate = z.string().superRefine((d, ctx) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) ctx.addIssue({ code: 'custom', message: `「${d.slice(0, 20)}」不是日期：应写作YYYY-MM-DD，如2026-02-28` });
  else if (Number(d.slice(0, 4)) < 1000) ctx.addIssue({ code: 'custom', message: `日期「${d}」的年份应为四位数的公元年（如2026）` });
  else if (!isRealDate(d)) ctx.addIssue({ code: 'custom', message: `「${d}」不是有效日期（${whyNotADate(d) ?? '请检查月份和该月的天数'}）` });
});
