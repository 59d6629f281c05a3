import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readCatalog, type InfoItem, type PeriodRule } from '../catalog/index.js';
import { addMonths, publicityOf, severityOf } from './publicity.js';

const { bundle } = readCatalog();
const item = (code: string) => bundle.infoItems.find((i) => i.value.code === code)?.value as InfoItem;
const rules = new Map(bundle.periodRules.map((r) => [r.value.code, r.value]));
/** The rule in force on a decision date, as CatalogService.periodRuleFor chooses it. */
const ruleFor = (it: InfoItem, date: string): PeriodRule | undefined =>
  [it.publicityRule ?? []].flat().map((c) => rules.get(c)).find((r) => r && (!r.appliesToDecisionsFrom || date >= r.appliesToDecisionsFrom) && (!r.appliesToDecisionsBefore || date < r.appliesToDecisionsBefore));
const cf = item('CF');
const xk = item('XK');

describe('publicity', () => {
  it('adds months the way a calendar does', () => {
    assert.equal(addMonths('2026-01-31', 1), '2026-02-28');
    assert.equal(addMonths('2024-01-31', 1), '2024-02-29');
    assert.equal(addMonths('2026-06-15', 12), '2027-06-15');
    assert.equal(addMonths('2026-11-30', 3), '2027-02-28');
  });

  it('derives severity from the penalty categories and the 简易程序 amounts', () => {
    assert.equal(severityOf(cf, { CF_CFLB: ['警告'] }, false), 'minor');
    assert.equal(severityOf(cf, { CF_CFLB: ['罚款'], CF_NR_FK: '0.3' }, false), 'minor', '3000 yuan, an organization');
    assert.equal(severityOf(cf, { CF_CFLB: ['罚款'], CF_NR_FK: '0.31' }, false), 'general');
    assert.equal(severityOf(cf, { CF_CFLB: ['罚款'], CF_NR_FK: '0.03' }, true), 'general', 'a person: only up to 200 yuan is minor');
    assert.equal(severityOf(cf, { CF_CFLB: ['罚款', '吊销许可证件'], CF_NR_FK: '0.1' }, false), 'serious');
    assert.equal(severityOf(cf, { CF_CFLB: ['暂扣许可证件'] }, false), 'general');
    assert.equal(severityOf(xk, {}, false), 'positive');
  });

  it('gives the window of the rule in force on the decision date, the decision day being day one', () => {
    const general = publicityOf(cf, ruleFor(cf, '2026-06-15'), { CF_CFLB: ['罚款'], CF_NR_FK: '1' }, '2026-06-15', false);
    assert.deepEqual(general, { severity: 'general', publishable: true, end: '2027-06-14', rule: 'PUBLICITY-NDRC36-2026' });
    const serious2026 = publicityOf(cf, ruleFor(cf, '2026-06-15'), { CF_CFLB: ['吊销许可证件'] }, '2026-06-15', false);
    assert.equal(serious2026.end, '2029-06-14');
    const minor = publicityOf(cf, ruleFor(cf, '2026-06-15'), { CF_CFLB: ['警告'] }, '2026-06-15', false);
    assert.deepEqual({ publishable: minor.publishable, end: minor.end }, { publishable: false, end: '2026-09-14' }, 'minor: not published');
    assert.equal(ruleFor(cf, '2020-03-01')?.code, 'PUBLICITY-NDRC527-2019');
  });

  it('honours 公示截止期 within the rule and says when it corrects one outside it', () => {
    const data = { CF_CFLB: ['罚款'], CF_NR_FK: '1' };
    assert.equal(publicityOf(cf, ruleFor(cf, '2026-06-15'), { ...data, CF_GSJZQ: '2026-12-31' }, '2026-06-15', false).end, '2026-12-31');
    const early = publicityOf(cf, ruleFor(cf, '2026-06-15'), { ...data, CF_GSJZQ: '2026-07-01' }, '2026-06-15', false);
    assert.equal(early.end, '2027-06-14');
    assert.match(early.warning ?? '', /公示截止期2026-07-01不在.*一般失信.*2026-09-14至2027-06-14/);
  });

  it('publishes permits while valid, open-ended for 长期, and never an invalid one', () => {
    const rule = ruleFor(xk, '2026-03-01');
    assert.deepEqual(publicityOf(xk, rule, { XK_YXQZI: '2031-02-28', XK_ZT: '1' }, '2026-03-01', false), { severity: 'positive', publishable: true, end: '2031-02-28', rule: 'PUBLICITY-PERMIT' });
    assert.equal(publicityOf(xk, rule, { XK_YXQZI: '长期', XK_ZT: '1' }, '2026-03-01', false).end, null);
    assert.equal(publicityOf(xk, rule, { XK_YXQZI: '2031-02-28', XK_ZT: '2' }, '2026-03-01', false).publishable, false);
  });
});
