/**
 * 信用动态 / 通知公告 over HTTP: only the credit office writes; drafts and withdrawn notices (and
 * their attachments) are never public; every change is audited in its own transaction; attachments
 * are checked by content and size and served as downloads; a body is text, never markup.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { ENGINE, as, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';
import { docxFile, htmlFile, pdfFile, pngFile } from '../../../test/notice-files.js';

const office = as('creditOffice', 'office-1');
const SCRIPT_BODY = '第一段：<script>alert("x")</script>\n\n第二段：<img src=x onerror="alert(1)">';

describe(`notices on ${ENGINE}`, () => {
  let p: TestPlatform;
  before(async () => {
    // Every reading of the clock a second later: two notices published one after the other never share a time.
    let t = Date.parse('2026-11-21T02:00:00Z');
    p = await startTestPlatform({ env: { PORTAL_RATE_LIMIT: '100000' }, clock: { now: () => new Date((t += 1000)) } });
  });
  after(async () => p.stop());

  const create = async (title: string, body = '正文') => {
    const r = await p.app.inject({ method: 'POST', url: '/api/v1/notices', headers: office, payload: { title, body } });
    assert.equal(r.statusCode, 201, r.body);
    return r.json();
  };
  const fire = async (id: string, event: string, payload: Record<string, unknown>) => p.app.inject({ method: 'POST', url: `/api/v1/notices/${id}/${event}`, headers: office, payload });
  const upload = (id: string, name: string, body: Buffer, headers: Record<string, string> = {}) =>
    p.app.inject({ method: 'POST', url: `/api/v1/notices/${id}/attachments`, headers: { ...office, 'content-type': 'application/octet-stream', 'x-file-name': encodeURIComponent(name), ...headers }, payload: body });
  const publicIds = async () => (await p.app.inject('/api/public/v1/notices')).json().items.map((n: { id: string }) => n.id);

  it('lets only the credit office write or read drafts', async () => {
    for (const role of ['submitter', 'reviewer', 'sysAdmin', 'auditAdmin'] as const) {
      const r = await p.app.inject({ method: 'POST', url: '/api/v1/notices', headers: as(role), payload: { title: '越权的公告', body: '正文' } });
      assert.equal(r.statusCode, 403, role);
      assert.equal((await p.app.inject({ url: '/api/v1/notices', headers: as(role) })).statusCode, 403, role);
    }
    assert.equal((await p.app.inject({ method: 'POST', url: '/api/v1/notices', payload: { title: '匿名的公告', body: '正文' } })).statusCode, 401);
    const [row] = (await sql<{ n: number }>`select count(*)::int as n from notice`.execute(p.db)).rows;
    assert.equal(row?.n, 0, 'nothing was written');
  });

  it('keeps a draft, its attachment and a withdrawn notice off the portal; publishes newest first', async () => {
    const older = await create('关于开展信用承诺的通知');
    const draft = await create('尚未发布的草稿');
    const withAttachment = await upload(draft.id, '草稿附件.pdf', pdfFile());
    assert.equal(withAttachment.statusCode, 201, withAttachment.body);
    const attachmentId = withAttachment.json().attachments[0].id;

    assert.deepEqual(await publicIds(), []);
    assert.equal((await p.app.inject(`/api/public/v1/notices/${draft.id}`)).statusCode, 404);
    const hidden = await p.app.inject(`/api/public/v1/notices/${draft.id}/attachments/${attachmentId}`);
    assert.equal(hidden.statusCode, 404);
    assert.match(hidden.json().error.message, /该附件不存在，或所属公告已被撤回/);
    // The credit office reads its draft's attachment.
    assert.equal((await p.app.inject({ url: `/api/v1/notices/${draft.id}/attachments/${attachmentId}`, headers: office })).statusCode, 200);

    assert.equal((await fire(older.id, 'publish', { version: older.version })).statusCode, 200);
    const newer = await create('信用修复新规解读');
    assert.equal((await fire(newer.id, 'publish', { version: newer.version })).statusCode, 200);
    assert.deepEqual(await publicIds(), [newer.id, older.id], 'published only, newest first');

    // Withdrawal needs a reason, said in Chinese; then the notice is gone from every public answer.
    const current = (await p.app.inject({ url: `/api/v1/notices/${newer.id}`, headers: office })).json();
    const noReason = await fire(newer.id, 'withdraw', { version: current.version, reason: ' ' });
    assert.equal(noReason.statusCode, 400);
    assert.match(noReason.json().error.message, /请填写撤回理由（至少2个字）/);
    const withdrawn = await fire(newer.id, 'withdraw', { version: current.version, reason: '内容有误，更正后重发' });
    assert.equal(withdrawn.statusCode, 200, withdrawn.body);
    assert.equal(withdrawn.json().status, 'withdrawn');
    assert.equal(withdrawn.json().withdrawReason, '内容有误，更正后重发');
    assert.deepEqual(await publicIds(), [older.id]);
    assert.equal((await p.app.inject(`/api/public/v1/notices/${newer.id}`)).statusCode, 404);
    // The credit office still sees it, with who withdrew it and why.
    const staff = (await p.app.inject({ url: '/api/v1/notices?status=withdrawn', headers: office })).json();
    assert.deepEqual(staff.items.map((n: { id: string }) => n.id), [newer.id]);
    assert.equal(staff.items[0].withdrawnBy, 'office-1');
  });

  it('refuses a change on an outdated version or in the wrong state, saying what to do', async () => {
    const n = await create('状态测试');
    const published = (await fire(n.id, 'publish', { version: n.version })).json();
    const stale = await fire(n.id, 'withdraw', { version: n.version, reason: '旧版本上的撤回' });
    assert.equal(stale.statusCode, 409);
    assert.match(stale.json().error.message, /你看到的是旧版本：请刷新后再操作/);
    const again = await fire(n.id, 'publish', { version: published.version });
    assert.equal(again.statusCode, 409);
    assert.match(again.json().error.message, /「状态测试」现为已发布，只有草稿可以发布/);
    const edit = await p.app.inject({ method: 'PUT', url: `/api/v1/notices/${n.id}`, headers: office, payload: { title: '改标题', body: '改正文', version: published.version } });
    assert.equal(edit.statusCode, 409);
    assert.match(edit.json().error.message, /已发布，不能修改：只有草稿可以修改，如需更正，请先撤回/);
    const attach = await upload(n.id, '补充.pdf', pdfFile());
    assert.equal(attach.statusCode, 409);
    assert.match(attach.json().error.message, /不能添加附件/);
    // Withdrawn → back to a draft → corrected → published again.
    const w = (await fire(n.id, 'withdraw', { version: published.version, reason: '更正错别字' })).json();
    const d = (await fire(n.id, 'revise', { version: w.version })).json();
    assert.equal(d.status, 'draft');
    const fixed = await p.app.inject({ method: 'PUT', url: `/api/v1/notices/${n.id}`, headers: office, payload: { title: '状态测试（更正）', body: '正文', version: d.version } });
    assert.equal(fixed.statusCode, 200, fixed.body);
    assert.equal((await fire(n.id, 'publish', { version: fixed.json().version })).json().status, 'published');
    assert.ok((await publicIds()).includes(n.id));
  });

  it('audits every change, and a change whose audit row fails is not made', async () => {
    const n = await create('审计测试');
    const pub = (await fire(n.id, 'publish', { version: n.version })).json();
    const events = async () =>
      (await sql<{ event: string; reason: string | null }>`select event, reason from audit_log where object_type = 'notice' and object_id = ${n.id} order by seq`.execute(p.db)).rows;
    assert.deepEqual((await events()).map((e) => e.event), ['notice.create', 'notice.publish']);

    // The audit log refuses the withdrawal's row: the withdrawal does not happen either.
    await sql.raw(`create function notices_test_refuse() returns trigger language plpgsql as $$ begin if new.event = 'notice.withdraw' then raise exception 'refused by test'; end if; return new; end $$`).execute(p.owner);
    await sql.raw('create trigger notices_test_refuse before insert on audit_log for each row execute function notices_test_refuse()').execute(p.owner);
    try {
      const failed = await fire(n.id, 'withdraw', { version: pub.version, reason: '审计失败时的撤回' });
      assert.equal(failed.statusCode, 500);
    } finally {
      await sql.raw('drop trigger notices_test_refuse on audit_log').execute(p.owner);
      await sql.raw('drop function notices_test_refuse()').execute(p.owner);
    }
    assert.ok((await publicIds()).includes(n.id), 'still published');
    assert.equal((await p.app.inject({ url: `/api/v1/notices/${n.id}`, headers: office })).json().status, 'published');

    const ok = await fire(n.id, 'withdraw', { version: pub.version, reason: '正式撤回' });
    assert.equal(ok.statusCode, 200);
    assert.deepEqual(await events(), [
      { event: 'notice.create', reason: null },
      { event: 'notice.publish', reason: null },
      { event: 'notice.withdraw', reason: '正式撤回' },
    ]);
  });

  it('keeps a body as text: markup comes back verbatim as JSON, never as HTML', async () => {
    const n = await create('正文含标签的公告', SCRIPT_BODY);
    await fire(n.id, 'publish', { version: n.version });
    const r = await p.app.inject(`/api/public/v1/notices/${n.id}`);
    assert.equal(r.statusCode, 200);
    assert.match(String(r.headers['content-type']), /^application\/json/);
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
    assert.equal(r.json().body, SCRIPT_BODY);
    const list = (await p.app.inject('/api/public/v1/notices')).json();
    assert.equal(list.items.find((i: { id: string }) => i.id === n.id).excerpt, SCRIPT_BODY.replace(/\s+/g, ' '));
    // Revalidated every time: a 304 when nothing changed.
    const again = await p.app.inject({ url: `/api/public/v1/notices/${n.id}`, headers: { 'if-none-match': String(r.headers.etag) } });
    assert.equal(again.statusCode, 304);
    // RFC 9110: a list of tags, compared weakly.
    const listed = await p.app.inject({ url: `/api/public/v1/notices/${n.id}`, headers: { 'if-none-match': `"other", ${String(r.headers.etag).replace(/^W\//, '')}` } });
    assert.equal(listed.statusCode, 304);
    assert.equal(r.headers['cache-control'], 'public, no-cache');
  });

  it('checks attachments by content and size, refusing in Chinese; serves them as downloads', async () => {
    const n = await create('附件测试');
    const html = await upload(n.id, '通知.pdf', htmlFile());
    assert.equal(html.statusCode, 415);
    assert.match(html.json().error.message, /附件「通知\.pdf」的内容不是PDF、Word（\.docx）、Excel（\.xlsx）、PNG或JPEG图片，不能上传/);
    const renamed = await upload(n.id, '海报.pdf', pngFile());
    assert.equal(renamed.statusCode, 415);
    assert.match(renamed.json().error.message, /内容是PNG图片，文件名的扩展名却是「\.pdf」/);
    const big = Buffer.concat([pdfFile(), Buffer.alloc(10 * 1024 * 1024)]);
    const tooLarge = await upload(n.id, '大文件.pdf', big);
    assert.equal(tooLarge.statusCode, 413);
    assert.match(tooLarge.json().error.message, /附件「大文件\.pdf」超过10 MB的上限，不能上传/);
    const json = await upload(n.id, '表.pdf', pdfFile(), { 'content-type': 'application/json' });
    assert.equal(json.statusCode, 415);
    assert.match(json.json().error.message, /上传附件时请求体应为文件本身/);
    const withId = await upload(n.id, '张三11010519491231002X.pdf', pdfFile());
    assert.equal(withId.statusCode, 400);
    assert.match(withId.json().error.message, /附件的文件名第3个字起是一个身份证号码/);
    assert.equal((await p.app.inject({ url: `/api/v1/notices/${n.id}`, headers: office })).json().attachments.length, 0, 'nothing refused was kept');

    const added = await upload(n.id, '申请书.docx', docxFile());
    assert.equal(added.statusCode, 201, added.body);
    const att = added.json().attachments[0];
    assert.deepEqual({ name: att.name, mediaType: att.mediaType, size: att.size }, { name: '申请书.docx', mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', size: docxFile().length });
    await fire(n.id, 'publish', { version: added.json().version });
    const file = await p.app.inject(`/api/public/v1/notices/${n.id}/attachments/${att.id}`);
    assert.equal(file.statusCode, 200);
    assert.deepEqual(file.rawPayload, docxFile());
    assert.equal((await p.app.inject({ url: `/api/public/v1/notices/${n.id}/attachments/${att.id}`, headers: { 'if-none-match': `W/"other", W/${String(file.headers.etag)}` } })).statusCode, 304, 'revalidated by RFC 9110 If-None-Match');
    assert.equal(file.headers['content-disposition'], `attachment; filename="attachment.docx"; filename*=UTF-8''${encodeURIComponent('申请书.docx')}`);
    assert.equal(file.headers['content-type'], 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    assert.match(String(file.headers['content-security-policy']), /sandbox/);
    // On disk it is encrypted: the vault holds no plaintext of it.
    const fs = await import('node:fs');
    const path = await import('node:path');
    const dir = path.join(p.config.dataDir, 'notice-files');
    const stored = fs.readdirSync(dir).filter((f) => f.endsWith('.sm4'));
    assert.ok(stored.length >= 1);
    for (const f of stored) assert.ok(!fs.readFileSync(path.join(dir, f)).includes(Buffer.from('word/document.xml')), 'stored encrypted');
  });

  it('refuses an ID number in a title or body, saying where', async () => {
    const r = await p.app.inject({ method: 'POST', url: '/api/v1/notices', headers: office, payload: { title: '关于失信人的公告', body: '当事人身份证号码11010519491231002X，特此公告。' } });
    assert.equal(r.statusCode, 400);
    assert.match(r.json().error.message, /正文第9个字起是一个身份证号码：公告向社会公开，不得载有身份证号码/);
    const empty = await p.app.inject({ method: 'POST', url: '/api/v1/notices', headers: office, payload: { title: '无', body: '' } });
    assert.equal(empty.statusCode, 400);
    assert.match(empty.json().error.message, /标题至少2个字/);
  });

  it('answers 404 in Chinese for an id that is no notice', async () => {
    for (const id of ['not-a-uuid', '00000000-0000-4000-8000-000000000000']) {
      const r = await p.app.inject(`/api/public/v1/notices/${id}`);
      assert.equal(r.statusCode, 404);
      assert.equal(r.json().error.message, '该公告不存在，或已被撤回');
    }
  });
});

describe(`demo notices and the open API's one budget on ${ENGINE}`, () => {
  let p: TestPlatform;
  before(async () => {
    p = await startTestPlatform({ demo: { subjects: 20, records: 40, seed: 3 }, env: { DEMO_DATA: 'on', PORTAL_RATE_LIMIT: '4' } });
  });
  after(async () => p.stop());

  it('publishes three demo notices on first start, and counts notices against the portal’s rate limit', async () => {
    const list = await p.app.inject('/api/public/v1/notices');
    const items = list.json().items as { title: string; publishedAt: string }[];
    assert.equal(items.length, 3);
    assert.deepEqual([...items].sort((a, b) => b.publishedAt.localeCompare(a.publishedAt)), items, 'newest first');
    assert.ok(items.some((n) => n.title.includes('信用修复')));
    assert.equal((await p.app.inject('/api/public/v1/statistics')).statusCode, 200);
    assert.equal((await p.app.inject('/api/public/v1/departments')).statusCode, 200);
    assert.equal((await p.app.inject('/api/public/v1/regions')).statusCode, 200);
    // The fifth request of the minute, whichever route: one budget for the whole open API.
    const fifth = await p.app.inject('/api/public/v1/notices');
    assert.equal(fifth.statusCode, 429);
  });
});
