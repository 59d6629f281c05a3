/**
 * Schema refusals as sentences a person can act on. zod's own Chinese locale says 「数值过小：期望
 * array >=1 项」; a caller needs 「至少要有1项」. The error handler adds where (「请求内容「roles」」),
 * this says why. A schema's own message (a refine's, a regex's) wins over these.
 */
import { z } from 'zod';

const TYPES: Record<string, string> = {
  string: '文字',
  number: '数字',
  int: '整数',
  bigint: '整数',
  boolean: '是或否（true/false）',
  array: '列表',
  object: '对象',
  date: '日期',
  null: '空值',
  undefined: '未填写',
  nan: '非数字',
};

const FORMATS: Record<string, string> = {
  uuid: '编号（UUID，如123e4567-e89b-12d3-a456-426614174000）',
  guid: '编号（UUID）',
  email: '电子邮箱地址',
  url: '网址',
  datetime: '日期时间（ISO 8601）',
  date: '日期（YYYY-MM-DD）',
  ipv4: 'IPv4地址',
  ipv6: 'IPv6地址',
  regex: '规定的格式',
};

function received(input: unknown): string {
  if (input === undefined) return 'undefined';
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'array';
  if (typeof input === 'number' && Number.isNaN(input)) return 'nan';
  return typeof input;
}

function size(origin: string | undefined, n: number | bigint): string {
  if (origin === 'string') return `${n}个字符`;
  if (origin === 'array' || origin === 'set') return `${n}项`;
  if (origin === 'file') return `${n}字节`;
  return `${n}`;
}

const values = (vs: readonly unknown[]) => vs.slice(0, 20).map((v) => `「${String(v)}」`).join('、') + (vs.length > 20 ? `等${vs.length}个` : '');

export const chineseIssues: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type': {
      const got = received(issue.input);
      if (got === 'undefined') return '未填写：这一项必填';
      return `应为${TYPES[issue.expected] ?? issue.expected}，收到的是${TYPES[got] ?? got}`;
    }
    case 'too_small':
      if (issue.origin === 'string' && Number(issue.minimum) === 1) return '不能为空';
      if (issue.origin === 'number' || issue.origin === 'bigint') return issue.inclusive ? `至少为${issue.minimum}` : `应大于${issue.minimum}`;
      return `至少要有${size(issue.origin, issue.minimum)}`;
    case 'too_big':
      if (issue.origin === 'number' || issue.origin === 'bigint') return issue.inclusive ? `最多为${issue.maximum}` : `应小于${issue.maximum}`;
      return `最多${size(issue.origin, issue.maximum)}`;
    case 'invalid_format':
      return `应为${FORMATS[issue.format] ?? issue.format}`;
    case 'invalid_value':
      return issue.values.length === 1 ? `应为${values(issue.values)}` : `应为以下之一：${values(issue.values)}`;
    case 'unrecognized_keys':
      return `不认识的字段：${values(issue.keys)}，请删除`;
    case 'not_multiple_of':
      return `应为${String(issue.divisor)}的倍数`;
    case 'invalid_union':
      return '格式不符合任何一种允许的写法';
    case 'invalid_key':
      return '含有无效的字段名';
    case 'invalid_element':
      return '含有无效的值';
    default:
      return '不符合要求';
  }
};
