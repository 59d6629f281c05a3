/**
 * The web UI's translations (web/ui/i18n.ts): every t('…') literal under web/ has an English
 * text, no Chinese is left outside t() in the console, the API code labels are translated, and
 * `{name}` placeholders are filled in both languages. Lives here because web/'s tsconfig has no
 * node types; i18n.ts has no JSX so node and the root typecheck load it as is.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { EN, LANG_KEY, hasTranslation, placeholders, t } from '../web/ui/i18n.js';
import { BATCH_STATUS_LABELS, CATEGORY_LABELS, RESULT_LABELS, REVIEW_STATUS_LABELS, ROLE_LABELS } from '../web/ui/labels.js';
import { DISPUTED_LABEL, RECORD_STATE_LABELS } from '../common/records-api.js';
import { USCC_AUTHORITIES } from '../common/identifiers/uscc-authorities.js';
import { readCatalog } from '../server/modules/catalog/index.js';

const root = path.resolve(import.meta.dirname, '..');

function walk(dir: string, ext: RegExp): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : walk(p, ext);
    return ext.test(e.name) ? [p] : [];
  });
}

const rel = (p: string) => path.relative(root, p).split(path.sep).join('/');

/** t('…') / t("…") with a literal first argument (not obj.t(…), not split(…)). */
const T_CALL = /(?<![\w$.])t\(\s*(['"])((?:\\.|(?!\1)[^\\\n])*)\1/g;
const T_TEMPLATE = /(?<![\w$.])t\(\s*`/g;
const CJK = /[\u3400-\u9FFF\uFF00-\uFFEF]/;

const lineOf = (text: string, index: number) => text.slice(0, index).split('\n').length;

/** Comments blanked out, lines kept (a `//` after `:` or a quote is taken for part of a string). */
function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' ')).replace(/(^|[^:\\'"])\/\/.*$/gm, '$1');
}

/** The keys of the literal t() calls in a source text (outside comments), with their lines. */
function translationKeys(source: string): { key: string; line: number }[] {
  const code = stripComments(source);
  return [...code.matchAll(T_CALL)].map((m) => ({ key: (m[2] as string).replace(/\\(.)/g, '$1'), line: lineOf(code, m.index) }));
}

/** Lines that still hold CJK characters outside t('…') literals and comments. */
function strayCjkLines(source: string): number[] {
  const blanked = stripComments(source.replace(T_CALL, (_, q: string) => `t(${q}${q}`));
  return blanked.split('\n').flatMap((line, i) => (CJK.test(line) ? [i + 1] : []));
}

const webFiles = walk(path.join(root, 'web'), /\.tsx?$/);
const consoleFiles = walk(path.join(root, 'web', 'console'), /\.tsx?$/);

function setLang(lang: 'zh-CN' | 'en' | null): void {
  if (lang === null) {
    Reflect.deleteProperty(globalThis, 'localStorage');
    return;
  }
  const storage = { getItem: (k: string) => (k === LANG_KEY ? lang : null) };
  Object.defineProperty(globalThis, 'localStorage', { value: storage, configurable: true, writable: true });
}

describe('web UI translations', () => {
  afterEach(() => setLang(null));

  it('the scanners catch what they must', () => {
    // A missing key and a stray Chinese text are found, so the checks below can fail.
    const sample = [
      "const a = t('没有这个键');",
      "const b = t(\"已核实\") + '中文';",
      "// 注释里的中文可以, t('注释里的键不算')",
      '/* 块注释',
      '   中文 */ const c = 1;',
      "<Tag>{t('待核实')}</Tag> {/* 说明 */}",
      '<span>未翻译</span>',
      'const d = t(`模板${x}`);',
    ].join('\n');
    assert.deepEqual(translationKeys(sample), [
      { key: '没有这个键', line: 1 },
      { key: '已核实', line: 2 },
      { key: '待核实', line: 6 },
    ]);
    assert.deepEqual(translationKeys(sample).filter((k) => !hasTranslation(k.key)).map((k) => k.key), ['没有这个键']);
    assert.deepEqual(strayCjkLines(sample), [2, 7, 8]);
    assert.equal([...sample.matchAll(T_TEMPLATE)].length, 1);
  });

  it('every t() literal under web/ has an English text', () => {
    assert.ok(webFiles.length > 0 && consoleFiles.length > 0, 'no web sources found');
    const missing: string[] = [];
    const templates: string[] = [];
    let calls = 0;
    for (const file of webFiles) {
      const source = fs.readFileSync(file, 'utf8');
      for (const { key, line } of translationKeys(source)) {
        calls++;
        if (!hasTranslation(key)) missing.push(`${rel(file)}:${line}: ${key}`);
      }
      for (const m of source.matchAll(T_TEMPLATE)) templates.push(`${rel(file)}:${lineOf(source, m.index)}`);
    }
    assert.ok(calls > 100, `only ${calls} t() calls found: is the scanner broken?`);
    assert.deepEqual(missing, [], `keys missing from EN in web/ui/i18n.ts:\n${missing.join('\n')}`);
    assert.deepEqual(templates, [], `t() takes a literal with {placeholders}, not a template string:\n${templates.join('\n')}`);
  });

  it('no Chinese text outside t() in web/console', () => {
    const stray = consoleFiles.flatMap((file) => {
      const source = fs.readFileSync(file, 'utf8');
      const lines = source.split('\n');
      return strayCjkLines(source).map((n) => `${rel(file)}:${n}: ${(lines[n - 1] as string).trim()}`);
    });
    assert.deepEqual(stray, [], `Chinese outside t('…'):\n${stray.join('\n')}`);
  });

  it('every label of an API code has an English text', () => {
    const labels = [
      ...Object.values(ROLE_LABELS),
      ...[RESULT_LABELS, BATCH_STATUS_LABELS, REVIEW_STATUS_LABELS].flatMap((m) => Object.values(m).map((r) => r.text)),
      ...Object.values(RECORD_STATE_LABELS),
      DISPUTED_LABEL,
      ...Object.values(CATEGORY_LABELS),
    ];
    assert.deepEqual(labels.filter((l) => !hasTranslation(l)), []);
  });

  it('every field label the portal shows, and every part of a USCC it names, has an English text', () => {
    const { bundle } = readCatalog();
    const fields = bundle.infoItems.filter((i) => ['XK', 'CF'].includes(i.value.code)).flatMap((i) => i.value.fields);
    assert.ok(fields.length > 40, 'the 双公示 items are read');
    // The profile shows an amount's label without its unit (罚款金额 14.26万元).
    const labels = fields.flatMap((f) => [f.label, ...(f.unit ? [f.label.replace(`(${f.unit})`, '').replace(`（${f.unit}）`, '')] : [])]);
    const parts = Object.values(USCC_AUTHORITIES).flatMap((a) => [a.name, ...Object.values(a.entityTypes)]);
    assert.deepEqual([...labels, ...parts].filter((l) => !hasTranslation(l)), []);
  });

  it('English texts are filled in and keep the placeholders of their keys', () => {
    const wrong = Object.entries(EN).flatMap(([zh, en]) => {
      const problems: string[] = [];
      if (en.trim() === '') problems.push(`${zh}: empty`);
      if (CJK.test(en)) problems.push(`${zh}: Chinese in the English text ${en}`);
      if (placeholders(zh).sort().join() !== placeholders(en).sort().join()) problems.push(`${zh}: placeholders differ from ${en}`);
      return problems;
    });
    assert.deepEqual(wrong, []);
  });

  it('fills placeholders in both languages', () => {
    const key = '哈希链完整：共{count}条记录，外部检查点{checkpoints}个';
    assert.equal(t(key, { count: 42, checkpoints: 3 }), '哈希链完整：共42条记录，外部检查点3个', 'no localStorage: zh-CN');
    setLang('zh-CN');
    assert.equal(t(key, { count: 42, checkpoints: 3 }), '哈希链完整：共42条记录，外部检查点3个');
    assert.equal(t('重置 {username} 的密码？', { username: 'zhang.san' }), '重置 zhang.san 的密码？');
    setLang('en');
    assert.equal(t(key, { count: 42, checkpoints: 3 }), 'Hash chain intact: 42 records; external checkpoints: 3');
    assert.equal(t('重置 {username} 的密码？', { username: 'zhang.san' }), 'Reset the password of zhang.san?');
    // A value is inserted as is, never filled again; a placeholder without a value stays.
    assert.equal(t('{name}（{username}）', { name: '{username}' }), '{username} ({username})');
  });

  it('translates plain texts and context keys, and falls back to the Chinese', () => {
    setLang('en');
    assert.equal(t('审计日志'), 'Audit log');
    assert.equal(t('部门'), 'Departments');
    assert.equal(t('部门|field'), 'Department');
    assert.equal(t(ROLE_LABELS.submitter as string), 'Data submitter');
    assert.equal(t('尚未翻译的文字'), '尚未翻译的文字');
    assert.equal(t('unknownRoleCode'), 'unknownRoleCode');
    assert.equal(t('constructor'), 'constructor');
    setLang('zh-CN');
    assert.equal(t('审计日志'), '审计日志');
    assert.equal(t('部门|field'), '部门', 'the context suffix is never shown');
    assert.equal(t('尚未翻译的文字'), '尚未翻译的文字');
  });
});
