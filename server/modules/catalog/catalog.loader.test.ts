import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { CATALOG_DIR, readCatalog } from './catalog.loader.js';

/** A private copy of the shipped catalog, edited by `edit`. */
function catalogWith(edit: (dir: string) => void): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xy-catalog-'));
  fs.cpSync(CATALOG_DIR, dir, { recursive: true });
  edit(dir);
  return dir;
}

function editYaml(dir: string, rel: string, fn: (doc: Record<string, unknown>) => void): void {
  const file = path.join(dir, rel);
  const doc = parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  fn(doc);
  fs.writeFileSync(file, stringify(doc));
}

function addField(field: Record<string, unknown>) {
  return (dir: string) => editYaml(dir, 'info-items/CF.yaml', (doc) => (doc.fields as unknown[]).push(field));
}

describe('catalog loading', () => {
  it('the shipped catalog is valid and complete', () => {
    const { bundle, problems } = readCatalog();
    assert.deepEqual(problems, []);
    const items = bundle.infoItems.map((i) => i.value.code).sort();
    assert.deepEqual(items, ['CF', 'HMD', 'SXBZXR', 'XK', 'XYCN', 'YZSX']);
    const cf = bundle.infoItems.find((i) => i.value.code === 'CF')?.value;
    assert.equal(cf?.fields.length, 30);
    assert.ok(cf?.rules?.some((r) => r.code === 'FINE_AMOUNT'));
    assert.equal(bundle.measures.filter((m) => m.value.kind === 'punishment').length, 22);
    assert.equal(bundle.measures.filter((m) => m.value.kind === 'incentive').length, 8);
    assert.ok(bundle.listTypes.some((l) => l.value.kind === 'redList'));
    assert.ok(bundle.listTypes.some((l) => l.value.kind === 'watchList'));
    assert.ok(bundle.legalInstruments.some((i) => i.value.verification === 'recalled'), 'recalled marks are carried as data');
    assert.ok(bundle.regions.length > 3000);
    assert.deepEqual(bundle.holidayYears.map((y) => y.value.year).sort(), [2024, 2025, 2026]);
  });

  for (const [what, field, term] of [
    ['a prohibited label', { code: 'CF_XDR_ZJ', label: '宗教信仰', type: 'text' }, '宗教'],
    ['a synonym in the label', { code: 'CF_XDR_X1', label: '既往病史', type: 'text' }, '病史'],
    ['a blood-type label', { code: 'CF_XDR_X2', label: '当事人血型', type: 'text' }, '血型'],
    ['a prohibited code word', { code: 'CF_FINGERPRINT_HASH', label: '采集特征', type: 'text' }, 'fingerprint'],
    ['a pinyin code', { code: 'CF_XDR_JIYIN', label: '检测结果', type: 'text' }, 'jiyin'],
    ['joined-up pinyin', { code: 'CF_ZONGJIAOXINYANG', label: '其他情况', type: 'text' }, 'zongjiao'],
    ['medical records in pinyin', { code: 'CF_BINGLI', label: '附件', type: 'text' }, 'bingli'],
  ] as const) {
    it(`refuses an item whose schema has ${what}, naming the item and field`, () => {
      const { problems } = readCatalog(catalogWith(addField(field)));
      assert.equal(problems.length, 1, JSON.stringify(problems));
      assert.equal(problems[0]?.file, 'info-items/CF.yaml');
      assert.equal(problems[0]?.path, `CF.fields.${field.code}`);
      assert.match(problems[0]?.message ?? '', new RegExp(`行政处罚信息.*${field.label}.*禁止归集.*${term}`));
    });
  }

  it('does not mistake ordinary words for prohibited ones', () => {
    const { problems } = readCatalog(catalogWith(addField({ code: 'CF_GENERAL_NOTE', label: '一般说明', type: 'text' })));
    assert.deepEqual(problems, []);
  });

  it('refuses an item without legal basis, and a basis that cites an unknown instrument', () => {
    const none = readCatalog(catalogWith((d) => editYaml(d, 'info-items/XK.yaml', (doc) => (doc.basis = []))));
    assert.match(none.problems[0]?.message ?? '', /信息项必须有法律依据/);
    const unknown = readCatalog(catalogWith((d) => editYaml(d, 'info-items/XK.yaml', (doc) => (doc.basis = [{ instrument: 'NO-SUCH-LAW' }]))));
    assert.match(unknown.problems[0]?.message ?? '', /NO-SUCH-LAW.*不在legal-instruments.yaml中/);
  });

  it('refuses an instrument replaced by one the catalog does not have, by itself, or while said to be in force', () => {
    const replaced = (edit: (i: Record<string, unknown>) => void) =>
      readCatalog(catalogWith((d) => {
        const file = path.join(d, 'legal-instruments.yaml');
        const list = parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>[];
        const first = list.find((i) => i.status === undefined && i.replacedBy === undefined) as Record<string, unknown>;
        edit(first);
        fs.writeFileSync(file, stringify(list));
      })).problems;
    const unknown = replaced((i) => Object.assign(i, { status: 'repealed', replacedBy: 'NO-SUCH-LAW' }));
    assert.equal(unknown.length, 1, JSON.stringify(unknown));
    assert.equal(unknown[0]?.file, 'legal-instruments.yaml');
    assert.match(unknown[0]?.path ?? '', /\.replacedBy$/);
    assert.match(unknown[0]?.message ?? '', /NO-SUCH-LAW.*不在legal-instruments.yaml中/);
    assert.match(replaced((i) => Object.assign(i, { status: 'amended', replacedBy: i.code }))[0]?.message ?? '', /不能是它自己/);
    assert.match(replaced((i) => Object.assign(i, { replacedBy: 'LAW-ADMIN-PENALTY-2021' }))[0]?.message ?? '', /status.*amended.*repealed/);
  });

  it('refuses a measure without legal basis and one triggered by an unknown list', () => {
    const dir = catalogWith((d) => {
      const file = path.join(d, 'measures.yaml');
      const list = parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>[];
      (list[0] as Record<string, unknown>).basis = [];
      (list[1] as Record<string, unknown>).triggers = ['L-99'];
      fs.writeFileSync(file, stringify(list));
    });
    const messages = readCatalog(dir).problems.map((p) => p.message).join('\n');
    assert.match(messages, /措施必须有法律依据/);
    assert.match(messages, /L-99/);
  });

  it('refuses rules that reference undefined fields and enumerations that do not exist', () => {
    const dir = catalogWith((d) =>
      editYaml(d, 'info-items/CF.yaml', (doc) => {
        (doc.rules as unknown[]).push({ code: 'BROKEN', message: 'x', require: ['CF_NOPE'] });
        (doc.fields as Record<string, unknown>[])[1]!.enum = 'NO_TABLE';
      }),
    );
    const messages = readCatalog(dir).problems.map((p) => p.message).join('\n');
    assert.match(messages, /CF_NOPE.*未在fields中定义/);
    assert.match(messages, /NO_TABLE/);
  });

  it('refuses a make-up working day that is not a weekend day', () => {
    const dir = catalogWith((d) =>
      editYaml(d, 'holidays/2026.yaml', (doc) => ((doc.holidays as Record<string, unknown>[])[0]!.work = ['2026-01-05'])),
    );
    assert.match(readCatalog(dir).problems[0]?.message ?? '', /2026-01-05应为周六或周日/);
  });
});
