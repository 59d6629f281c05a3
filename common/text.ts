/**
 * Text a person typed or a file carried, made safe to store and to show. Two kinds of character
 * are refused wherever text enters:
 *
 * - control characters (C0 and C1, DEL; in free text a tab or line break is fine), lone UTF-16
 *   surrogates, Unicode noncharacters and the replacement character U+FFFD (a decoder's mark for
 *   a character it lost): PostgreSQL refuses NUL in text and JSON, XML cannot carry most of them,
 *   and none of them is ever meant;
 * - invisible characters (Unicode's bidirectional controls and default-ignorable code points:
 *   zero-width spaces and joiners, the BOM, variation selectors, tags …): a right-to-left
 *   override makes a name display as another company's, a zero-width space hides a company
 *   from a search for its visible name.
 *
 * Names and text are normalized with NFKC (compatibility forms such as Kangxi radicals, CJK
 * compatibility ideographs and full-width letters and digits become the ordinary character), except
 * the full-width punctuation Chinese is written with (（）、·，。), which is kept as typed.
 */

export type UnsafeKind = 'control' | 'invisible' | 'invalid';

export interface UnsafeCharacter {
  kind: UnsafeKind;
  /** U+202E */
  codePoint: string;
  /** 1-based position in code points, as a person counts characters. */
  position: number;
  /** What it is, in Chinese: 「从右至左覆盖符（U+202E）」. */
  description: string;
}

const NAMES: Record<number, string> = {
  0x00: '空字符',
  0x09: '制表符',
  0x0a: '换行符',
  0x0d: '回车符',
  0x7f: '删除符',
  0x00ad: '软连字符',
  0x061c: '阿拉伯字母标记',
  0x200b: '零宽空格',
  0x200c: '零宽非连接符',
  0x200d: '零宽连接符',
  0x200e: '从左至右标记',
  0x200f: '从右至左标记',
  0x202a: '从左至右嵌入符',
  0x202b: '从右至左嵌入符',
  0x202c: '方向格式结束符',
  0x202d: '从左至右覆盖符',
  0x202e: '从右至左覆盖符',
  0x2060: '零宽不换行符',
  0x2066: '从左至右隔离符',
  0x2067: '从右至左隔离符',
  0x2068: '首字符方向隔离符',
  0x2069: '方向隔离结束符',
  0xfeff: '零宽不换行空格（BOM）',
  0xfffd: '替换字符“�”',
};

// One pass finds the first character of any unsafe kind; the kind is told apart afterwards.
// In a /u expression \p{Cs} matches only a lone surrogate (a pair is one code point). U+FFFD is
// what a decoder leaves where it lost a character: text carrying it is already damaged.
const UNSAFE = /[\p{Cc}\p{Bidi_C}\p{DI}\p{NChar}\p{Cs}\uFFFD]/u;
const UNSAFE_GLOBAL = new RegExp(UNSAFE.source, 'gu');
const LINE_BREAKS = /[\t\n\r]/;

function hex(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

function kindOf(ch: string): UnsafeKind {
  if (/\p{Cc}/u.test(ch)) return 'control';
  if (/[\p{Bidi_C}\p{DI}]/u.test(ch)) return 'invisible';
  return 'invalid';
}

function describe(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  const kind = kindOf(ch);
  const name = NAMES[cp] ?? (kind === 'control' ? '控制字符' : kind === 'invisible' ? (/\p{Bidi_C}/u.test(ch) ? '文字方向控制符' : '不可见字符') : '无效字符');
  return `${name}（${hex(cp)}）`;
}

/**
 * Whether every code unit is printable ASCII, a common CJK ideograph or the punctuation Chinese
 * text is written with: nothing to refuse and nothing NFKC would change. One plain loop, because
 * this runs for every cell of an import and a Unicode-property regular expression costs several
 * times more per string.
 */
function plain(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c <= 0x7e) continue;
    if (c >= 0x4e00 && c <= 0x9fff) continue;
    if (c >= 0x3001 && c <= 0x303f) continue;
    if (c >= 0xff01 && c <= 0xff65 && !(c >= 0xff10 && c <= 0xff19) && !(c >= 0xff21 && c <= 0xff3a) && !(c >= 0xff41 && c <= 0xff5a)) continue;
    if (c === 0xb7 || c === 0x2014 || (c >= 0x2018 && c <= 0x201d)) continue;
    return false;
  }
  return true;
}

/**
 * The first character that must not be stored, or null. `multiline`: free text, where a tab and
 * line breaks are part of what was written.
 */
export function findUnsafeCharacter(text: string, multiline = false): UnsafeCharacter | null {
  if (plain(text) || !UNSAFE.test(text)) return null;
  UNSAFE_GLOBAL.lastIndex = 0;
  for (const m of text.matchAll(UNSAFE_GLOBAL)) {
    const ch = m[0];
    if (multiline && LINE_BREAKS.test(ch)) continue;
    return { kind: kindOf(ch), codePoint: hex(ch.codePointAt(0) ?? 0), position: [...text.slice(0, m.index)].length + 1, description: describe(ch) };
  }
  return null;
}

/** Why a text was refused, as the end of a sentence: 「第3个字符是从右至左覆盖符（U+202E），…」. */
export function unsafeReason(u: UnsafeCharacter): string {
  const why =
    u.codePoint === 'U+0009' || u.codePoint === 'U+000A' || u.codePoint === 'U+000D'
      ? '这一项应写在一行内，请删除换行或制表符'
      : u.kind === 'invisible'
      ? '这种字符看不见，却能改变文字的显示顺序或让名称查不到，请删除后重新填写'
      : u.kind === 'control'
        ? '控制字符不能作为内容保存，请删除（常见于从其他系统复制粘贴）'
        : u.codePoint === 'U+FFFD'
          ? '它表示原来的字在转换编码时已经丢失，请从原始系统重新导出或改正这个字'
          : '不是有效的Unicode字符（文件编码可能有误），请删除后重新填写';
  return `第${u.position}个字符是${u.description}：${why}`;
}

/**
 * The text with every unsafe character shown as ⟦U+202E⟧: how an error report quotes a refused
 * value, so the clerk sees where the invisible character was (and the report can be stored).
 */
export function revealUnsafe(text: string, multiline = false): string {
  if (!UNSAFE.test(text)) return text;
  return text.replace(UNSAFE_GLOBAL, (ch) => (multiline && LINE_BREAKS.test(ch) ? ch : `⟦${hex(ch.codePointAt(0) ?? 0)}⟧`));
}

// Full-width punctuation as Chinese names are written (（）·、 …): NFKC would make it ASCII.
const KEPT_FULL_WIDTH = /([\uFF01-\uFF0F\uFF1A-\uFF20\uFF3B-\uFF40\uFF5B-\uFF65\u3001-\u303F\u00B7\u2014\u2018-\u201D])/u;

/** NFKC, except the full-width punctuation Chinese text is written with. */
function compatible(text: string): string {
  return plain(text) ? text : text.split(KEPT_FULL_WIDTH).map((part, i) => (i % 2 === 1 ? part : part.normalize('NFKC'))).join('');
}

/**
 * A name as stored: NFKC except the full-width punctuation of Chinese names, runs of white space
 * (line breaks too) as one space, trimmed. Call it only on text already found free of unsafe
 * characters.
 */
export function normalizeName(name: string): string {
  if (plain(name)) return name.includes('  ') || name.startsWith(' ') || name.endsWith(' ') ? name.replace(/ +/g, ' ').trim() : name;
  return compatible(name).replace(/\s+/g, ' ').trim();
}

/**
 * Free text as stored: the same compatibility forms as names (a name written into 违法事实 with a
 * Kangxi radical is the same name, and is found and masked as one), its lines and spacing kept.
 */
export function normalizeFreeText(text: string): string {
  return compatible(text);
}

/**
 * At most `max` characters (code points), with how many there were when cut: how an error message
 * or an audit detail quotes what a caller sent, whatever its size.
 */
export function limitText(text: string, max: number): string {
  if (text.length <= max) return text;
  const cps = [...text];
  return cps.length <= max ? text : `${cps.slice(0, max).join('')}…（共${cps.length}字，其余从略）`;
}

/** At most `max` items; when there were more, the last one says how many more (「另有N项从略」). */
export function limitList(items: readonly string[], max: number): string[] {
  return items.length <= max ? [...items] : [...items.slice(0, max), `……另有${items.length - max}项从略`];
}
