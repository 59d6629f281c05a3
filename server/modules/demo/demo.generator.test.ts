/**
 * The demo reads like a real city's 双公示: each department decides the permits and penalties of its
 * own field, penalty categories vary (not only 罚款), and an amount is given only where a category
 * has one. The same seed gives the same data.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { ENGINE, startTestPlatform, testKeyMaterial, type TestPlatform } from '../../../test/helpers.js';
import { FieldCipher } from '../../platform/crypto/index.js';
import { DEPARTMENT_FIELDS, fieldOf } from './fields.js';
import { generateDemo } from './demo.generator.js';

type Data = Record<string, string | string[] | undefined>;

describe(`demo data on ${ENGINE}`, () => {
  let p: TestPlatform;
  let rows: { department: string; item_code: string; document_number: string; data: Data }[] = [];

  before(async () => {
    p = await startTestPlatform({ env: { DEMO_DATA: 'on' }, demo: { subjects: 300, records: 3000, seed: 20261121 } });
    const r = await sql<{ department: string; item_code: string; document_number: string; data: Data }>`
      select d.name as department, r.item_code, r.document_number, r.data from record r join department d on d.id = r.department_id`.execute(p.db);
    rows = r.rows;
  });
  after(async () => p.stop());

  it('gives every record to a registered department, which decided it within its own field', async () => {
    assert.equal(rows.length, 3000, 'every record names a registered department');
    for (const { department, item_code: item, document_number: wsh, data } of rows) {
      const field = DEPARTMENT_FIELDS.find((f) => department.endsWith(f.department));
      assert.ok(field, `${department} has a field`);
      if (item === 'XK') {
        assert.ok(field.permits.some((x) => data.XK_XKWS === `${x.name}决定书` && data.XK_XKZS === x.certificate), `${department} grants ${String(data.XK_XKWS)}`);
        assert.equal(data.XK_XKJG, department);
        assert.ok(wsh.includes(`${field.abbr}许〔`), wsh);
      } else {
        const v = field.violations.find((x) => x.type === data.CF_WFXW);
        assert.ok(v, `${department} penalizes ${String(data.CF_WFXW)}`);
        assert.deepEqual(data.CF_CFLB, v.categories);
        assert.equal(data.CF_CFJG, department);
        assert.ok(wsh.includes(`${field.abbr}罚〔`), wsh);
      }
    }
    // The market regulator fines food, the environment bureau emissions, transport grants road transport.
    const of = (name: string) => rows.filter((r) => r.department.endsWith(name));
    assert.ok(!of('生态环境局').some((r) => String(r.data.CF_WFXW ?? r.data.XK_XKWS).includes('食品')));
    assert.ok(of('交通运输局').some((r) => r.data.XK_XKWS === '道路运输经营许可决定书'));
    assert.ok(of('市场监督管理局').every((r) => r.item_code === 'XK' || !String(r.data.CF_WFXW).includes('排放')));
  });

  it('varies penalty categories, with an amount only where a category has one', async () => {
    const penalties = rows.filter((r) => r.item_code === 'CF');
    const categories = new Set(penalties.flatMap((r) => r.data.CF_CFLB as string[]));
    for (const c of ['警告', '通报批评', '罚款', '没收违法所得', '没收非法财物', '暂扣许可证件', '吊销许可证件', '责令停产停业', '限制开展生产经营活动', '降低资质等级', '责令关闭']) {
      assert.ok(categories.has(c), `some penalty is ${c}`);
    }
    assert.ok(penalties.filter((r) => !(r.data.CF_CFLB as string[]).includes('罚款')).length > penalties.length / 10, 'not only fines');
    for (const { data } of penalties) {
      const cats = data.CF_CFLB as string[];
      assert.equal(data.CF_NR_FK !== undefined, cats.includes('罚款'), `fine amount with 罚款 only: ${JSON.stringify(data)}`);
      assert.equal(data.CF_NR_WFFF !== undefined, cats.some((c) => c.startsWith('没收')), `confiscated amount with 没收 only: ${JSON.stringify(data)}`);
      assert.equal(data.CF_NR_ZKDX !== undefined, cats.includes('暂扣许可证件') || cats.includes('吊销许可证件'), `licence with 暂扣/吊销 only: ${JSON.stringify(data)}`);
      if (data.CF_NR_FK) assert.ok(String(data.CF_NR).includes(`罚款人民币${Math.round(Number(data.CF_NR_FK) * 10_000)}元`), String(data.CF_NR));
    }
  });

  it('shows the variety on the portal: penalties in publicity under several categories', async () => {
    const total = async (category: string) => (await p.app.inject({ method: 'GET', url: `/api/public/v1/publicity/penalties?pageSize=1&category=${encodeURIComponent(category)}` })).json().total as number;
    const shown = [];
    for (const c of ['罚款', '没收违法所得', '责令停产停业', '暂扣许可证件', '吊销许可证件', '降低资质等级']) if ((await total(c)) > 0) shown.push(c);
    assert.ok(shown.length >= 5, `categories in publicity: ${shown.join('、')}`);
  });

  it('registers one system account with a pull-only subscription to all its changes, its secret kept nowhere', async () => {
    const accounts = await p.signed.list();
    assert.equal(accounts.length, 1, JSON.stringify(accounts));
    const account = accounts[0];
    assert.ok(account);
    assert.equal(account.name, '杭州市公共资源交易中心审批系统');
    assert.equal(account.status, 'active');
    const department = (await p.identity.departments()).find((d) => d.id === account.departmentId);
    assert.equal(department?.name, '杭州市住房和城乡建设局');
    const subscriptions = await p.exchange.list();
    assert.deepEqual(subscriptions.map((s) => ({ appKey: s.appKey, filter: s.filter, webhookUrl: s.webhookUrl, status: s.status })), [{ appKey: account.appKey, filter: 'all', webhookUrl: null, status: 'active' }]);
    // The credit office's 新建订阅 list offers it, and the secret appears in no audit row.
    assert.ok((await p.exchange.accounts()).some((a) => a.appKey === account.appKey));
    const secret = (await p.signed.activeSecrets([account.appKey])).get(account.appKey);
    assert.ok(secret && secret.length >= 32, 'a secret was generated at seed time');
    const audit = await sql<{ details: unknown }>`select details from audit_log`.execute(p.db);
    assert.ok(!JSON.stringify(audit.rows).includes(secret), 'the secret is in no audit row');
  });
});

describe('demo generator', () => {
  it('gives the same records for the same seed, others for another', async () => {
    const regions = [
      { code: '330100', name: '杭州市', level: 'city' as const, parent: '330000' },
      { code: '330102', name: '上城区', level: 'county' as const, parent: '330100' },
      { code: '330106', name: '西湖区', level: 'county' as const, parent: '330100' },
    ];
    const cipher = new FieldCipher(testKeyMaterial());
    const run = async (seed: number) => {
      let records = '';
      await generateDemo(async (table, _columns, csv) => void (table === 'record' && (records += csv)), cipher, regions, {
        subjects: 50, records: 400, seed, until: '2026-11-21',
        publication: () => ({ severity: 'general', state: 'in_publicity', publishable: true, publicityStart: '2026-01-01', publicityEnd: null, publicityRule: null }),
      });
      return records;
    };
    const first = await run(3);
    assert.equal(first.trim().split('\n').length, 400);
    assert.equal(await run(3), first);
    assert.notEqual(await run(4), first);
  });

  it('finds a department’s field by its name, and gives any other one by its place', () => {
    assert.equal(fieldOf('杭州市交通运输局', 5).department, '交通运输局');
    assert.equal(fieldOf('某某局', 1).department, DEPARTMENT_FIELDS[1]?.department);
  });
});
