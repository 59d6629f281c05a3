/**
 * The code check's words in the reader's language. The API says what is wrong with a code in
 * Chinese (common/identifiers: 「第18位校验码应为3，实际为4」); in English each sentence the check
 * can say is read back by its pattern and said again from web/ui/i18n.ts, its values kept. A
 * sentence not known here is shown as the API said it. No JSX: the node tests load it as is.
 */
import { getLang, t } from '../ui/i18n.js';

export interface CodeIssueLike {
  code: string;
  message: string;
}

type Rule = [RegExp, (m: RegExpExecArray) => string];

/** 「、」-separated lists of codes as a list in English. */
const list = (s: string) => s.split('、').join(', ');

const RULES: Rule[] = [
  // 统一社会信用代码 (common/identifiers/uscc.ts)
  [/^统一社会信用代码不能为空$/, () => t('统一社会信用代码不能为空')],
  [/^统一社会信用代码应为18位，实际为(\d+)位$/, (m) => t('统一社会信用代码应为18位，实际为{n}位', { n: m[1] ?? '' })],
  [/^第(\d+)位字母(.)不用于统一社会信用代码$/, (m) => t('第{n}位字母{letter}不用于统一社会信用代码', { n: m[1] ?? '', letter: m[2] ?? '' })],
  [/^第(\d+)位字符「(.+)」不是允许的字符$/, (m) => t('第{n}位字符「{char}」不是允许的字符', { n: m[1] ?? '', char: m[2] ?? '' })],
  [/^第1位登记管理部门代码「(.+)」不存在$/, (m) => t('第1位登记管理部门代码「{code}」不存在', { code: m[1] ?? '' })],
  [
    /^第2位机构类别代码「(.+)」不属于登记管理部门「(.+)」（可用：(.+)）$/,
    (m) => t('第2位机构类别代码「{code}」不属于登记管理部门「{authority}」（可用：{codes}）', { code: m[1] ?? '', authority: t(m[2] ?? ''), codes: getLang() === 'en' ? list(m[3] ?? '') : (m[3] ?? '') }),
  ],
  [/^第(\d+)位应为数字：第3–8位是行政区划码$/, (m) => t('第{n}位应为数字：第3–8位是行政区划码', { n: m[1] ?? '' })],
  [/^第3–4位省级行政区划码「(\d+)」不存在$/, (m) => t('第3–4位省级行政区划码「{code}」不存在', { code: m[1] ?? '' })],
  [/^第3–8位行政区划码「(\d+)」不在现行GB\/T 2260代码表中（可能是已调整的旧区划）$/, (m) => t('第3–8位行政区划码「{code}」不在现行GB/T 2260代码表中（可能是已调整的旧区划）', { code: m[1] ?? '' })],
  [/^第18位校验码应为(.)，实际为(.)$/, (m) => t('第18位校验码应为{expected}，实际为{actual}', { expected: m[1] ?? '', actual: m[2] ?? '' })],
  [
    /^第9–17位组织机构代码的校验位（第17位）按GB 11714应为(.+)，实际为(.)$/,
    (m) => t('第9–17位组织机构代码的校验位（第17位）按GB 11714应为{expected}，实际为{actual}', { expected: m[1] ?? '', actual: m[2] ?? '' }),
  ],
  // the portal's search (server/modules/subjects): a resident ID number typed
  [/^这是居民身份证号码：本平台不提供自然人查询，请输入组织的统一社会信用代码或名称$/, () => t('这是居民身份证号码：本平台不提供自然人查询，请输入组织的统一社会信用代码或名称')],
  // 身份证号码 (common/identifiers/id-number.ts), for the home page's code check
  [/^身份证号码不能为空$/, () => t('身份证号码不能为空')],
  [/^第(\d+)位应为数字（15位旧号码全部为数字）$/, (m) => t('第{n}位应为数字（15位旧号码全部为数字）', { n: m[1] ?? '' })],
  [/^15位旧身份证号码已按GB 11643-1999转换为18位$/, () => t('15位旧身份证号码已按GB 11643-1999转换为18位')],
  [/^身份证号码应为18位（或15位旧号码），实际为(\d+)位$/, (m) => t('身份证号码应为18位（或15位旧号码），实际为{n}位', { n: m[1] ?? '' })],
  [/^第(\d+)位应为数字，实际为「(.+)」$/, (m) => t('第{n}位应为数字，实际为「{char}」', { n: m[1] ?? '', char: m[2] ?? '' })],
  [/^第18位应为数字或X，实际为「(.+)」$/, (m) => t('第18位应为数字或X，实际为「{char}」', { char: m[1] ?? '' })],
  [/^第1–6位地址码「(\d+)」不在现行GB\/T 2260代码表中（可能是已调整的旧区划）$/, (m) => t('第1–6位地址码「{code}」不在现行GB/T 2260代码表中（可能是已调整的旧区划）', { code: m[1] ?? '' })],
  [/^第7–14位出生日期不是有效日期$/, () => t('第7–14位出生日期不是有效日期')],
  [/^第7–14位出生日期晚于今天$/, () => t('第7–14位出生日期晚于今天')],
  [/^第7–14位出生日期早于(\d+)年$/, (m) => t('第7–14位出生日期早于{year}年', { year: m[1] ?? '' })],
  [/^该代码同时符合统一社会信用代码和身份证号码规则，已按统一社会信用代码校验；请指定kind$/, () => t('该代码同时符合统一社会信用代码和身份证号码规则，已按统一社会信用代码校验；请指定kind')],
];

/** One issue of the code check, in the reader's language (Chinese: as the API said it). */
export function issueText(issue: CodeIssueLike): string {
  if (getLang() !== 'en') return issue.message;
  for (const [pattern, say] of RULES) {
    const m = pattern.exec(issue.message);
    if (m) return say(m);
  }
  return issue.message;
}
