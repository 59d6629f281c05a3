/**
 * The portal says the code check's sentences in English (web/portal/code-issues.ts): every
 * sentence the checks of common/identifiers (and the search's 「这是居民身份证号码…」) can say is read
 * back and said again, values kept; in Chinese each is shown as the API said it. A new sentence in
 * the checks fails here until it has its English. Lives in scripts/ beside i18n.test.ts (web/ has
 * no node types).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { idCheckCharacter, orgCodeCheckCharacter, usccCheckCharacter, validateCode, validateIdNumber, validateUscc, type CodeIssue } from '../common/identifiers/index.js';
import { LANG_KEY } from '../web/ui/i18n.js';
import { issueText } from '../web/portal/code-issues.js';

const root = path.resolve(import.meta.dirname, '..');
const CJK = /[\u3400-\u9fff\uff00-\uffef]/;

function setLang(lang: 'zh-CN' | 'en' | null): void {
  if (lang === null) {
    Reflect.deleteProperty(globalThis, 'localStorage');
    return;
  }
  Object.defineProperty(globalThis, 'localStorage', { value: { getItem: (k: string) => (k === LANG_KEY ? lang : null) }, configurable: true, writable: true });
}

const REGIONS: Record<string, string> = { '350000': '福建省', '350100': '福州市', '350102': '鼓楼区' };
const regionName = (code: string) => REGIONS[code];

/** Inputs that make the checks say every sentence they have (ASCII only, so no value is Chinese). */
function everyIssue(): CodeIssue[] {
  const uscc = ['', '91350100M000100Y4', 'I1350100M000100Y43', '9135010!M000100Y43', 'B1350100M000100Y43', '94350100M000100Y43', '91AB0100M000100Y43', '91990100M000100Y43', '91359999M000100Y43', '91350100M000100Y40'];
  const id = ['', '35010280010112A', '350102800101123', '3501021980', '35010219800101210Y', '3501021980010121AX', '999999198001012101', '350102198002302101', '350102209901012101', '350102180001012101', '350102198001012100'];
  const today = '2026-06-01';
  const issues = [
    ...uscc.flatMap((c) => { const r = validateUscc(c, regionName); return [...r.errors, ...r.warnings]; }),
    ...id.flatMap((c) => { const r = validateIdNumber(c, { regionName, today }); return [...r.errors, ...r.warnings]; }),
  ];
  // The organization code's own check character wrong (a warning): the code otherwise valid.
  const orgWrong = `91350100M0001002${orgCodeCheckCharacter('M0001002') === 'A' ? 'B' : 'A'}`;
  const w = validateUscc(`${orgWrong}${usccCheckCharacter(orgWrong)}`, regionName);
  issues.push(...w.errors, ...w.warnings);
  // A code that passes both rules, checked without a kind: digits 3–8 a region of the USCC, digits
  // 1–6 and 7–14 an ID number's region and birth date, the last character both checks' (any region
  // is known to this lookup).
  for (let n = 0; n < 1000 && !issues.some((i) => i.code === 'CODE_AMBIGUOUS'); n++) {
    const first17 = `11010519800101${String(n).padStart(3, '0')}`;
    if (usccCheckCharacter(first17) !== idCheckCharacter(first17)) continue;
    const r = validateCode(`${first17}${usccCheckCharacter(first17) ?? ''}`, undefined, { regionName: () => '某地', today });
    issues.push(...r.warnings.filter((x) => x.code === 'CODE_AMBIGUOUS'));
  }
  // The search's answer to a resident ID number (server/modules/subjects), taken from its source.
  const source = fs.readFileSync(path.join(root, 'server/modules/subjects/subjects.service.ts'), 'utf8');
  const person = /code: 'PERSON_ID_NUMBER', message: '([^']+)'/.exec(source)?.[1];
  assert.ok(person, 'the search still answers an ID number with PERSON_ID_NUMBER');
  issues.push({ code: 'PERSON_ID_NUMBER', message: person });
  return issues;
}

describe('the code check in the portal’s languages', () => {
  afterEach(() => setLang(null));

  it('every issue code of the checks is produced here (a new one needs an input above and its English)', () => {
    const declared = new Set<string>();
    for (const file of ['uscc.ts', 'id-number.ts', 'index.ts']) {
      const source = fs.readFileSync(path.join(root, 'common/identifiers', file), 'utf8');
      for (const m of source.matchAll(/code: '([A-Z0-9_]+)'/g)) declared.add(m[1] as string);
    }
    const produced = new Set(everyIssue().map((i) => i.code));
    assert.deepEqual([...declared].filter((c) => !produced.has(c)).sort(), []);
  });

  it('in English every sentence is said in English, its values kept; in Chinese as the API said it', () => {
    const issues = everyIssue();
    setLang('en');
    const untranslated = issues.filter((i) => CJK.test(issueText(i))).map((i) => `${i.code}: ${i.message} → ${issueText(i)}`);
    assert.deepEqual(untranslated, []);
    const check = issues.find((i) => i.code === 'USCC_CHECK');
    assert.ok(check);
    const [, expected, actual] = /应为(.)，实际为(.)/.exec(check.message) ?? [];
    assert.equal(issueText(check), `Character 18, the check character, should be ${expected}, not ${actual}`);
    assert.equal(issueText({ code: 'USCC_LENGTH', message: '统一社会信用代码应为18位，实际为17位' }), 'A unified social credit code has 18 characters; this one has 17');
    // The authority's name in English too.
    const type = issues.find((i) => i.code === 'USCC_ENTITY_TYPE');
    assert.equal(type && issueText(type), 'Character 2: the entity type “4” does not belong to the registration authority “Market regulation” (possible: 1, 2, 3)');
    setLang('zh-CN');
    for (const i of issues) assert.equal(issueText(i), i.message);
  });
});
