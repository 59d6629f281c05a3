/**
 * Every audit event code the server writes has a name in words (common/audit-events.ts) and an
 * English one (web/ui/i18n.ts), and no name is kept for a code no longer written. The codes are
 * read from the server's sources the way the audit calls write them: each `.record(…)` /
`.recordAlone(…)` / `.recordStatement(…)` / `.auditRow(…)` call's `event`, a literal, a choice of literals, a template over a choice or
 * over a union type, or a parameter whose callers pass literals. A call this scanner cannot read
 * fails the test rather than slipping through.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { EVENT_LABELS, eventCodesMatching, eventLabel } from '../common/audit-events.js';
import { hasTranslation } from '../web/ui/i18n.js';

const root = path.resolve(import.meta.dirname, '..');

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : walk(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.includes('.test-') ? [p] : [];
  });
}

/** Comments blanked out (a `//` after `:` or inside a quote is taken for part of a string). */
function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' ')).replace(/(^|[^:\\'"`])\/\/.*$/gm, '$1');
}

/**
 * The text from `start` up to (not including) the first `stop` character outside brackets,
 * strings and template literals — an argument list after its `(`, or a property's value.
 */
function balanced(text: string, start: number, stops: string): { text: string; end: number } {
  let depth = 0;
  let i = start;
  for (; i < text.length; i++) {
    const c = text[i] as string;
    if (c === "'" || c === '"') {
      i++;
      while (i < text.length && text[i] !== c) i += text[i] === '\\' ? 2 : 1;
    } else if (c === '`') {
      i++;
      while (i < text.length && text[i] !== '`') {
        if (text[i] === '\\') i++;
        else if (text[i] === '$' && text[i + 1] === '{') i = balanced(text, i + 2, '}').end;
        i++;
      }
    } else if ('([{'.includes(c)) depth++;
    else if (depth === 0 && stops.includes(c)) break;
    else if (')]}'.includes(c)) depth--;
  }
  return { text: text.slice(start, i), end: i };
}

const CODE = /^[a-z][a-z_]*(\.[a-z][a-z_]*)+$/;
const LITERAL = /^'([^'\\]*)'$/;
/** `cond ? 'a' : 'b'` (both branches literals). */
const CHOICE = /\?\s*'([^'\\]*)'\s*:\s*'([^'\\]*)'\s*$/;

interface Scan {
  codes: Map<string, string>;
  problems: string[];
}

/** The event codes the given sources write (file name → source text), with where each is written. */
function scanEventCodes(files: ReadonlyMap<string, string>): Scan {
  const codes = new Map<string, string>();
  const problems: string[] = [];
  const sources = new Map([...files].map(([f, s]) => [f, stripComments(s)]));
  // String-literal union types (`type NoticeEvent = 'publish' | 'withdraw' | 'revise'`), for templates over them.
  const unions = new Map<string, string[]>();
  for (const code of sources.values()) {
    for (const m of code.matchAll(/\btype\s+(\w+)\s*=\s*((?:\s*\|?\s*'[^'\\]*')+)\s*;/g)) {
      unions.set(m[1] as string, [...(m[2] as string).matchAll(/'([^'\\]*)'/g)].map((x) => x[1] as string));
    }
  }
  const lineOf = (text: string, index: number) => text.slice(0, index).split('\n').length;

  for (const [file, code] of sources) {
    const add = (value: string, at: number) => {
      if (CODE.test(value)) codes.set(value, `${file}:${lineOf(code, at)}`);
      else problems.push(`${file}:${lineOf(code, at)}: event '${value}' is not a code like area.action`);
    };
    /** The values a template part `${expr}` takes. */
    const expand = (expr: string, at: number): string[] | null => {
      const choice = CHOICE.exec(expr);
      if (choice) return [choice[1] as string, choice[2] as string];
      const name = /^\s*(\w+)\s*$/.exec(expr)?.[1];
      const type = name ? new RegExp(`\\b${name}\\??\\s*:\\s*([A-Z]\\w*)`).exec(code.slice(0, at))?.[1] : undefined;
      return type ? (unions.get(type) ?? null) : null;
    };
    /** Literal event arguments of the calls to the function (declared before `at`) whose parameter `event: string` is. */
    const fromCallers = (at: number): string[] | null => {
      const decls = [...code.slice(0, at).matchAll(/(\w+)\s*(?:=\s*(?:async\s*)?)?\(\s*([^()]*?)\bevent\s*:\s*string\b/g)];
      const decl = decls.at(-1);
      if (!decl) return null;
      const name = decl[1] as string;
      const found: string[] = [];
      for (const call of code.matchAll(new RegExp(`(?:(?<![\\w.$])|this\\.)${name}\\(`, 'g'))) {
        if (call.index === decl.index) continue;
        const args = balanced(code, call.index + call[0].length, ')').text;
        const literal = /'([^'\\]*)'/.exec(args.replace(/\{[^{}]*\}/g, ''));
        if (!literal) return null;
        found.push(literal[1] as string);
      }
      return found.length > 0 ? found : null;
    };

    for (const call of code.matchAll(/\.(record|recordAlone|recordStatement|auditRow)\(/g)) {
      // zod's z.record(…) is no audit call.
      if (/(?<![\w$.])z$/.test(code.slice(0, call.index))) continue;
      const args = balanced(code, call.index + call[0].length, ')').text;
      // AuditLog.recordAlone and AuditLog.record hand their event on unchanged.
      if (/^\s*(?:trx,\s*e|event)\s*$/.test(args) && file.endsWith('audit.service.ts')) continue;
      const at = call.index;
      const prop = /(?<![\w$.])event\b\s*(:)?/.exec(args);
      if (!prop || !/\bcategory\s*:/.test(args)) {
        problems.push(`${file}:${lineOf(code, at)}: an audit call whose event this scanner cannot find`);
        continue;
      }
      const value = prop[1] ? balanced(args, prop.index + prop[0].length, ',}').text.trim() : 'event';
      // The lifecycle (server/modules/records/lifecycle.ts) writes the code its transition table
      // gives: every `{ audit: '…', outbox: … }` (a transition's emits) of every table is a code written.
      if (/^emits\.audit$/.test(value)) {
        for (const src of sources.values()) for (const m of src.matchAll(/\{\s*audit\s*:\s*'([^'\\]*)'\s*,\s*outbox\s*:/g)) add(m[1] as string, at);
        continue;
      }
      const literal = LITERAL.exec(value);
      const choice = CHOICE.exec(value);
      const template = /^`([^`]*)`$/.exec(value);
      if (literal) add(literal[1] as string, at);
      else if (choice) for (const v of [choice[1], choice[2]]) add(v as string, at);
      else if (template) {
        let variants = [''];
        const body = template[1] as string;
        let i = 0;
        for (const part of body.matchAll(/\$\{/g)) {
          const inner = balanced(body, part.index + 2, '}');
          const values = expand(inner.text, at);
          if (!values) {
            problems.push(`${file}:${lineOf(code, at)}: cannot tell which codes \`${body}\` writes`);
            variants = [];
            break;
          }
          const before = body.slice(i, part.index);
          variants = variants.flatMap((v) => values.map((x) => `${v}${before}${x}`));
          i = inner.end + 1;
        }
        for (const v of variants) add(`${v}${body.slice(i)}`, at);
      } else if (/^\w+$/.test(value)) {
        const values = fromCallers(at);
        if (values) for (const v of values) add(v, at);
        else problems.push(`${file}:${lineOf(code, at)}: event ${value} comes from where this scanner cannot follow`);
      } else {
        problems.push(`${file}:${lineOf(code, at)}: cannot tell which codes the event ${value} writes`);
      }
    }
  }
  return { codes, problems };
}

const serverFiles = new Map(walk(path.join(root, 'server')).map((f) => [path.relative(root, f).split(path.sep).join('/'), fs.readFileSync(f, 'utf8')]));

describe('audit event names', () => {
  it('the scanner reads every way an event is written, and refuses what it cannot read', () => {
    const sample = new Map([
      ['a.ts', [
        "await audit.record(trx, { category: 'security', event: 'user.create', actor });",
        "await this.deps.audit.recordAlone({\n  category: 'business', event: done ? 'batch.approved' : 'batch.rejected', actor,\n});",
        "await audit.record(trx, { category: 'security', event: `department.${status === 'disabled' ? 'disable' : 'enable'}`, actor });",
        "type Step = 'publish' | 'withdraw';",
        "async fire(id: string, step: Step) { await audit.record(trx, { category: 'business', event: `notice.${step}`, actor }); }",
        "private register(trx: Trx, event: string, read: Read) { return this.deps.audit.record(trx, { category: 'query', event, actor: read.actor }); }",
        "await this.register(trx, 'query.thing.get', read, { objectId: 'x' });",
        "const row = this.audit.recordStatement({ category: 'business', event: 'thing.moved', actor });",
        "const s = z.record(z.string(), z.string());",
        '// audit.record(trx, { category: \'security\', event: \'commented.out\' })',
      ].join('\n')],
      ['b.ts', [
        "await audit.record(trx, { category: 'security', event: nameOf(x), actor });",
        'await audit.record(trx, built);',
        "await audit.record(trx, { category: 'security', event: `area.${someString}`, actor });",
      ].join('\n')],
    ]);
    const scan = scanEventCodes(sample);
    assert.deepEqual([...scan.codes.keys()].sort(), [
      'batch.approved', 'batch.rejected', 'department.disable', 'department.enable', 'notice.publish', 'notice.withdraw', 'query.thing.get', 'thing.moved', 'user.create',
    ]);
    assert.equal(scan.problems.length, 3, scan.problems.join('\n'));
    assert.ok(scan.problems.every((x) => x.startsWith('b.ts:')), scan.problems.join('\n'));
  });

  const scan = scanEventCodes(serverFiles);

  it('the server writes no event this scanner cannot read', () => {
    assert.deepEqual(scan.problems, []);
    // The scan sees the server's events (not an empty tree or a broken pattern).
    for (const known of ['auth.login', 'query.subject.search', 'query.record.get', 'collection.batch.rejected', 'notice.withdraw', 'department.disable', 'auth.totp', 'audit.read']) {
      assert.ok(scan.codes.has(known), `${known} is found`);
    }
  });

  it('every event code the server writes has a Chinese name, and every name a code still written', () => {
    const unnamed = [...scan.codes].filter(([code]) => !Object.hasOwn(EVENT_LABELS, code)).map(([code, where]) => `${code} (${where})`);
    assert.deepEqual(unnamed, [], 'add these codes to EVENT_LABELS in common/audit-events.ts');
    const stale = Object.keys(EVENT_LABELS).filter((code) => !scan.codes.has(code));
    assert.deepEqual(stale, [], 'no longer written by the server: remove them from EVENT_LABELS');
  });

  it('every name has an English text and names no two events alike', () => {
    assert.deepEqual(Object.values(EVENT_LABELS).filter((label) => !hasTranslation(label)), [], 'add them to web/ui/i18n.ts (issue 12 · B: audit)');
    const labels = Object.values(EVENT_LABELS);
    assert.equal(new Set(labels).size, labels.length);
  });

  it('a search in words finds codes by part of their name or of the code', () => {
    assert.deepEqual(eventCodesMatching('登录').sort(), ['auth.lock_lift', 'auth.lockout', 'auth.login', 'auth.logout']);
    assert.deepEqual(eventCodesMatching('动态验证码绑定'), ['auth.totp_enrol']);
    assert.deepEqual(eventCodesMatching(' 批次　退回 '), ['collection.batch.rejected'], 'words separated by spaces, full-width too: each must match');
    assert.deepEqual(eventCodesMatching('AUTH.LOGIN'), ['auth.login'], 'a code, in any case');
    assert.ok(eventCodesMatching('query.').every((c) => c.startsWith('query.')));
    assert.deepEqual(eventCodesMatching('（未说明查询目的）'), ['query.refused']);
    assert.deepEqual(eventCodesMatching('不存在的事件'), []);
    assert.deepEqual(eventCodesMatching('  '), []);
    assert.equal(eventLabel('auth.login'), '登录');
    assert.equal(eventLabel('legacy.event'), 'legacy.event', 'a code without a name shows as itself');
  });
});
