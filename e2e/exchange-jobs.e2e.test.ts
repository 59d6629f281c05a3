/**
 * 数据订阅, 投递失败 and 后台任务 in a real browser (playwright-core driving Debian's chromium), with
 * the job runner and the webhook dispatcher running as in production. The credit office creates a
 * subscription for a system account — an address that is not https is refused in a Chinese sentence
 * under the field, and a cancelled dialog opens empty again — whose receiver fails: the change
 * becomes a dead letter, listed under 投递失败 and replayed once the receiver is back. The pause and
 * delete confirmations name the subscription. Under 后台任务 a job that failed for good is retried
 * and runs. On a phone (375 px) each of the three tables fits the screen with readable cells.
 * Screenshots go to test-artifacts/.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext } from 'playwright-core';
import type { Actor } from '../server/modules/audit/index.js';
import { enqueue } from '../server/platform/jobs.js';
import { appendChanges } from '../server/platform/outbox.js';
import { makeUscc } from '../test/fixtures.js';
import { startReceiver, type Receiver } from '../test/webhook-receiver.js';
import { ARTIFACTS, CHROMIUM, browserAvailable, firstSignIn, launchBrowser, settled } from './browser.js';
import { ENGINE, startTestPlatform, type TestPlatform } from '../test/helpers.js';

const ACCOUNT = '省公共信用信息平台';
const JOB_KIND = 'e2e.report';

/** antd puts a space between the two characters of a two-character button label (暂 停). */
const twoChars = (label: string) => new RegExp(`^${[...label].join('\\s?')}$`);

/** No antd opening or closing animation is running (a click during one can be lost). */

/** Until `check` holds (the dispatcher and the job runner work on their own timers). */
async function until(what: string, check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) assert.fail(`${what}: not within ${ms / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe(`数据订阅, 投递失败 and 后台任务 in a real browser on ${ENGINE}`, () => {
  let p: TestPlatform;
  let browser: Browser | undefined;
  let receiver: Receiver | undefined;
  let base = '';
  let password = '';
  let appKey = '';
  let receiverDown = true;
  let jobBroken = true;
  let jobRuns = 0;
  const available = browserAvailable;
  const setupActor: Actor = { id: 'e2e-setup', name: 'e2e-setup', roles: ['sysAdmin'], departmentId: null, ip: null, requestId: null };

  before(async () => {
    if (!available) {
      await launchBrowser(); // throws in CI, where a missing browser is a failure
      return;
    }
    // The runner and the dispatcher on their timers; two attempts per delivery (1 s apart), then dead.
    p = await startTestPlatform({ authenticate: null, jobs: true, env: { EXCHANGE_ALLOW_HTTP_LOCAL: 'on', EXCHANGE_MAX_ATTEMPTS: '2', EXCHANGE_TIMEOUT_MS: '2000' } });
    const setup = setupActor;
    const office = await p.identity.createDepartment({ name: '福州市发展和改革委员会', uscc: makeUscc('11', '350100', 1301) }, setup);
    password = (await p.identity.createUser({ username: 'xin.yong', displayName: '信用办', departmentId: office.id, roles: ['creditOffice'] }, setup)).oneTimePassword;
    const account = await p.signed.create({ name: ACCOUNT, departmentId: office.id }, setup);
    appKey = account.appKey;
    receiver = await startReceiver({ secret: account.secret, behave: () => (receiverDown ? 'fail' : 'ok') });
    // A job of the platform's kind, failing until its cause is removed.
    p.jobs.register({
      kind: JOB_KIND,
      run: async () => {
        jobRuns++;
        if (jobBroken) throw new Error('报表目录不可写');
      },
    });
    await p.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(p.app.server.address() as { port: number }).port}`;
    browser = (await launchBrowser()) ?? undefined;
  });
  after(async () => {
    await browser?.close();
    await receiver?.close();
    if (p) await p.stop();
  });

  /** The same session on a phone: the page's table fits the screen, every cell readable; a screenshot. */
  async function onPhone(context: BrowserContext, route: string, row: string) {
    const phone = await browser!.newContext({ viewport: { width: 375, height: 800 }, locale: 'zh-CN', isMobile: true, hasTouch: true, storageState: await context.storageState() });
    const small = await phone.newPage();
    await small.goto(`${base}/console/#/${route}`);
    const cells = small.getByRole('row').filter({ hasText: row }).first().getByRole('cell');
    await cells.first().waitFor();
    const widths = await cells.evaluateAll((tds) => tds.map((td) => Math.round(td.getBoundingClientRect().width)));
    assert.ok(widths.every((w) => w >= 80), `${route}: every cell is readable on a phone (${widths.join(', ')} px)`);
    const table = await small.locator('.ant-table-content').evaluate((e) => ({ scroll: e.scrollWidth, client: e.clientWidth }));
    assert.ok(table.scroll <= table.client, `${route}: the table fits the screen (${JSON.stringify(table)})`);
    assert.equal(await small.getByTestId('scroll-hint').count(), 0, `${route}: nothing to scroll sideways`);
    const page = await small.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(page <= 375, `${route}: the page is ${page} px wide`);
    await small.screenshot({ path: path.join(ARTIFACTS, `exchange-jobs-${route}-375.png`), fullPage: true });
    await phone.close();
  }

  it('the credit office subscribes an account, replays its dead letter, pauses the subscription and retries a failed job', async (t) => {
    if (!available) return t.skip(`chromium not installed at ${CHROMIUM}`);
    const context = await browser!.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await firstSignIn(page, base, 'xin.yong', password);

    // 新建订阅: an address that is not https is refused under its field, in Chinese.
    await page.getByRole('menuitem', { name: '数据订阅' }).click();
    await page.getByText('还没有订阅').waitFor();
    const dialog = page.getByRole('dialog', { name: '新建订阅' });
    const url = dialog.getByLabel('接收地址（https；不填则只能拉取）');
    const chooseAccount = async () => {
      await dialog.getByLabel('系统账号').click();
      await settled(page); // the option list has opened: a click on it while it slides in can be lost
      await page.getByTitle(`${ACCOUNT} · ${appKey}`).click();
    };
    await page.getByRole('button', { name: '新建订阅' }).click();
    await dialog.waitFor();
    await settled(page);
    await chooseAccount();
    // The cloud metadata address (an internal address) is refused under the field, in Chinese.
    await url.fill('https://169.254.169.254/latest');
    await dialog.getByRole('button', { name: twoChars('保存') }).click();
    const explain = dialog.locator('.ant-form-item-explain-error');
    await explain.waitFor();
    assert.equal(await explain.innerText(), '接收地址「169.254.169.254」是本机或内网地址，平台不向这类地址推送：请填写接收单位对外提供的https地址');
    await url.fill('ftp://x');
    await dialog.getByRole('button', { name: twoChars('保存') }).click();
    await page.waitForFunction(() => document.querySelector('.ant-form-item-explain-error')?.textContent === '接收地址须使用https，不能是「ftp」');
    // Cancelled, it opens empty next time.
    await dialog.getByRole('button', { name: twoChars('取消') }).click();
    await dialog.waitFor({ state: 'hidden' });
    await settled(page);
    await page.getByRole('button', { name: '新建订阅' }).click();
    await dialog.waitFor();
    await settled(page);
    assert.equal(await url.inputValue(), '', 'the address typed before is gone');
    assert.equal(await dialog.getByTitle(`${ACCOUNT} · ${appKey}`).count(), 0, 'no account chosen');
    assert.equal(await explain.count(), 0, 'and no refusal left over');
    await chooseAccount();
    await url.fill(receiver!.url);
    await dialog.getByRole('button', { name: twoChars('保存') }).click();
    await page.getByText('已新建订阅（已记入审计日志）').waitFor();
    await dialog.waitFor({ state: 'hidden' });
    const row = page.getByTestId('subscriptions').getByRole('row').filter({ hasText: appKey });
    await row.getByText(receiver!.url).waitFor();
    await row.getByText('推送中').waitFor();

    // A change while the receiver answers 500: two attempts, then a dead letter.
    const subject = randomUUID();
    await p.db.transaction().execute((trx) =>
      appendChanges(trx, [{ subjectId: subject, objectType: 'record', objectId: 'e2e-1', event: 'withdraw', from: 'published', to: 'withdrawn', itemCode: 'CF', visibleBefore: true, visibleAfter: false, at: new Date() }]),
    );
    await until('the delivery is dead', async () => (await p.exchange.repo.counts()).dead === 1);
    assert.equal(receiver!.received.length, 2, 'two attempts');
    await page.getByRole('button', { name: twoChars('刷新') }).click();
    await row.getByText('0 / 0 / 1').waitFor();

    // 投递失败: listed with the receiver's answer; replayed once the receiver is back, applied once.
    await page.getByRole('menuitem', { name: '投递失败' }).click();
    const dead = page.getByTestId('dead-letters').getByRole('row').filter({ hasText: appKey });
    // The reason in Chinese, the status kept as the technical detail; the change in words, with its subject and record.
    await dead.getByText('接收方的系统出错，未能接收').waitFor();
    assert.equal(await dead.getByTestId('error-detail').innerText(), '技术信息：HTTP 500');
    await dead.getByText('撤销记录 · CF').waitFor();
    await dead.getByText(`主体${subject.slice(0, 8)}，记录e2e-1 · #`, { exact: false }).waitFor();
    await dead.getByText('删除通知').waitFor();
    await onPhone(context, 'dead-letters', appKey);
    await page.screenshot({ path: path.join(ARTIFACTS, 'exchange-dead-letters.png'), fullPage: true });
    receiverDown = false;
    await dead.getByRole('button', { name: '重新投递' }).click();
    const replay = page.locator('.ant-popconfirm').filter({ hasText: '重新投递这条推送？' });
    await replay.waitFor();
    assert.ok((await replay.getByTestId('replay-confirm').innerText()).includes(`“撤销记录”（主体${subject.slice(0, 8)}，记录e2e-1）推送到${receiver!.url}`));
    await settled(page);
    await replay.getByRole('button', { name: '重新投递' }).click();
    await page.getByText('已重新投递（已记入审计日志）').waitFor();
    await until('the replayed delivery is applied', async () => receiver!.applied.length === 1);
    assert.equal(receiver!.applied[0]!.change.subjectId, subject);
    assert.equal(receiver!.applied[0]!.tombstone, true);
    assert.ok(receiver!.received.every((r) => r.verified), 'every attempt signed with the account’s secret');
    await page.getByRole('button', { name: twoChars('刷新') }).click();
    await page.getByText('当前没有投递失败的推送').waitFor();

    // 暂停 names the subscription: the account, what it subscribes to, where it goes.
    await page.getByRole('menuitem', { name: '数据订阅' }).click();
    await row.getByText('0 / 1 / 0').waitFor();
    await onPhone(context, 'subscriptions', appKey);
    await row.getByRole('button', { name: twoChars('暂停') }).click();
    const pause = page.locator('.ant-popconfirm').filter({ hasText: '暂停这项订阅？' });
    await pause.waitFor();
    const named = await pause.getByTestId('subscription-confirm').innerText();
    assert.match(named, new RegExp(`系统账号：${ACCOUNT}`));
    assert.match(named, /订阅范围：有权获得的全部变更/);
    assert.ok(named.includes(`接收地址：${receiver!.url}`), named);
    await settled(page);
    await pause.getByRole('button', { name: twoChars('暂停') }).click();
    await page.getByText('已暂停（已记入审计日志）').waitFor();
    await row.getByText('已暂停').waitFor();
    assert.equal((await p.exchange.list())[0]?.status, 'paused');
    // 删除 names it too; going back changes nothing.
    await row.getByRole('button', { name: twoChars('删除') }).click();
    const remove = page.locator('.ant-popconfirm').filter({ hasText: '删除这项订阅？' });
    await remove.waitFor();
    assert.ok((await remove.getByTestId('subscription-confirm').innerText()).includes(`接收地址：${receiver!.url}`));
    await settled(page);
    await remove.getByRole('button', { name: twoChars('取消') }).click();
    await remove.waitFor({ state: 'hidden' });
    // 恢复 says so (clicked once the 删除 confirmation has finished closing).
    await settled(page);
    await row.getByRole('button', { name: twoChars('恢复') }).click();
    const resume = page.locator('.ant-popconfirm').filter({ hasText: '恢复这项订阅？' });
    await resume.waitFor();
    await settled(page);
    // Its primary button (恢 复), clicked once visible and still.
    await resume.locator('.ant-popconfirm-buttons .ant-btn-primary').click();
    await page.getByText('已恢复（已记入审计日志）').waitFor();
    await row.getByText('推送中').waitFor();
    // A pull-only subscription pushes nothing: it shows 可拉取, not 推送中.
    await p.exchange.create({ appKey, filter: 'all' }, setupActor);
    await page.getByRole('button', { name: twoChars('刷新') }).click();
    const pull = page.getByTestId('subscriptions').getByRole('row').filter({ hasText: '只拉取' });
    await pull.getByText('可拉取').waitFor();
    assert.equal(await pull.getByText('推送中').count(), 0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'exchange-subscriptions.png'), fullPage: true });

    // 后台任务: a job that failed for good, with its error; retried once its cause is removed, it runs.
    await p.db.transaction().execute((trx) => enqueue(trx, { kind: JOB_KIND, dueAt: new Date(), maxAttempts: 1 }));
    p.jobs.wake();
    await until('the job failed for good', async () => (await p.jobs.failedJobs(10, 0)).total === 1);
    await page.getByRole('menuitem', { name: '后台任务' }).click();
    const job = page.getByTestId('failed-jobs').getByRole('row').filter({ hasText: JOB_KIND });
    await job.getByText('报表目录不可写').waitFor();
    await onPhone(context, 'jobs', JOB_KIND);
    jobBroken = false;
    await job.getByRole('button', { name: twoChars('重试') }).click();
    const retry = page.locator('.ant-popconfirm').filter({ hasText: '任务将立即重新排队' });
    await retry.waitFor();
    // The confirmation names the job: its kind, when it failed, its attempts and its last error.
    const facts = await retry.getByTestId('job-confirm').innerText();
    assert.match(facts, new RegExp(`任务：${JOB_KIND.replace('.', '\\.')}`));
    assert.match(facts, /失败，尝试1\/1次/);
    assert.match(facts, /最后错误：报表目录不可写/);
    await settled(page);
    await retry.getByRole('button', { name: twoChars('重试') }).click();
    await page.getByText('已重新排队（已记入审计日志）').waitFor();
    await until('the retried job ran', async () => jobRuns === 2 && (await p.jobs.failedJobs(10, 0)).total === 0);
    await page.getByRole('button', { name: twoChars('刷新') }).click();
    await page.getByText('当前没有失败的后台任务').waitFor();
    // Two subscriptions made (one in the browser, the pull-only one beside it), each action once.
    for (const [event, n] of [['exchange.subscription.create', 2], ['exchange.delivery.replay', 1], ['exchange.subscription.pause', 1], ['exchange.subscription.resume', 1]] as const) {
      assert.equal((await p.audit.list({ event, limit: 10, offset: 0 })).total, n, event);
    }
    await context.close();
  });
});
