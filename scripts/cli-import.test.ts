import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import { unzipSync, zipSync } from 'fflate';
import { sql } from 'kysely';
import { pino } from 'pino';
import { startPlatform } from '../server/app/platform.js';
import { makeUscc, penaltyRow } from '../test/fixtures.js';
import { loadConfig } from '../server/platform/config.js';
import { generateKeyFileContent } from '../server/platform/crypto/key-file.js';
import { ENGINE, freshDatabase } from '../test/helpers.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const DEPT = makeUscc('11', '350100', 3131);
const ROWS = 8000;

/** The operator's import command, spawned as a real process: killed with SIGKILL part-way, then run again. */
describe(`npm run cli -- import: kill -9 and resume on ${ENGINE}`, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xy-cli-import-'));
  const file = path.join(dir, '处罚信息.csv');
  let env: Record<string, string> = {};
  let drop = async () => {};

  const open = () => startPlatform(loadConfig(env), pino({ level: 'silent' }), { maintenance: true });

  before(async () => {
    const db = await freshDatabase();
    drop = db.drop;
    const keyFile = path.join(dir, 'keys.json');
    fs.writeFileSync(keyFile, generateKeyFileContent(), { mode: 0o600 });
    env = { DATA_DIR: path.join(dir, 'data'), KEY_FILE: keyFile, LOG_LEVEL: 'silent', ...(db.url ? { DATABASE_URL: db.url } : {}) };
    const p = await open();
    const admin = { id: 'setup', name: 'setup', roles: ['sysAdmin'], departmentId: null, ip: null, requestId: null };
    const d = await p.identity.createDepartment({ name: '福州市市场监督管理局', uscc: DEPT }, admin);
    await p.collection.setGrants(d.id, ['CF'], admin);
    await p.close();
    const columns = Object.keys(penaltyRow(DEPT, 0));
    const lines = [columns.join(',')];
    // Every tenth row lacks its fine amount and is rejected.
    for (let i = 1; i <= ROWS; i++) lines.push(columns.map((c) => (i % 10 === 0 && c === 'CF_NR_FK' ? '' : penaltyRow(DEPT, i)[c] ?? '')).join(','));
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
  });
  after(async () => {
    await drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const cli = (killAfterProgress: boolean, input = file) =>
    new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/cli.ts', 'import', '--dept', DEPT, '--item', 'CF', input, '--json'], { cwd: ROOT, env: { ...process.env, ...env } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (killAfterProgress && /进度：\d+\//.test(stderr)) child.kill('SIGKILL');
      });
      child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
    });

  it('loses nothing and duplicates nothing', async () => {
    const killed = await cli(true);
    assert.equal(killed.signal, 'SIGKILL', `the first run was killed part-way: ${killed.stderr}`);

    let p = await open();
    const partial = await p.db.selectFrom('import_batch').selectAll().executeTakeFirstOrThrow();
    assert.equal(partial.status, 'importing');
    assert.ok(partial.next_row > 2 && partial.next_row <= ROWS + 1, `stopped at row ${partial.next_row}`);
    await p.close();

    const resumed = await cli(false);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(resumed.stdout.trim().split('\n').length, 1, `--json: stdout is one JSON line, nothing else (got ${resumed.stdout})`);
    const summary = JSON.parse(resumed.stdout) as { batchId: string; accepted: number; rejected: number; errorsFile: string };
    assert.equal(summary.batchId, partial.id, 'the same batch was resumed');
    assert.deepEqual({ accepted: summary.accepted, rejected: summary.rejected }, { accepted: ROWS * 0.9, rejected: ROWS * 0.1 });
    assert.ok(fs.existsSync(summary.errorsFile), 'the error workbook was written');

    p = await open();
    const counts = await sql<{ records: number; keys: number; versions: number; rejected: number; batches: number }>`
      select (select count(*)::int from record) as records,
             (select count(distinct document_number)::int from record) as keys,
             (select count(*)::int from record_version) as versions,
             (select count(*)::int from import_row_issue where kind = 'rejected') as rejected,
             (select count(*)::int from import_batch) as batches`.execute(p.db);
    // First versions only: history keeps replaced versions, and none was replaced.
    assert.deepEqual(counts.rows[0], { records: ROWS * 0.9, keys: ROWS * 0.9, versions: 0, rejected: ROWS * 0.1, batches: 1 });
    assert.equal((await p.audit.verify()).intact, true);
    await p.close();

    const again = await cli(false);
    const third = JSON.parse(again.stdout.trim().split('\n').at(-1) ?? '{}') as { batchId: string };
    assert.notEqual(third.batchId, partial.id, 'a finished file imported again is a new batch');
    p = await open();
    const after = await sql<{ n: number; u: number }>`select (select count(*)::int from record) as n, (select unchanged_records from import_batch where id = ${third.batchId}) as u`.execute(p.db);
    assert.deepEqual(after.rows[0], { n: ROWS * 0.9, u: ROWS * 0.9 }, 'all unchanged, none duplicated');
    await p.close();
  });

  it('refuses a damaged workbook: exit 1, the damaged part named in Chinese, nothing imported', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('行政处罚');
    const columns = Object.keys(penaltyRow(DEPT, 0));
    sheet.addRow(columns);
    for (const n of [90_001, 90_002]) sheet.addRow(columns.map((c) => penaltyRow(DEPT, n, { CF_YJ: '《中华人民共和国行政处罚法》第一百二十四条' })[c] ?? ''));
    // Stored rather than deflated, so that three flipped bits turn 十 (E5 8D 81) into 劁 (E5 8A 81).
    const zip = Buffer.from(zipSync(unzipSync(new Uint8Array(await book.xlsx.writeBuffer())), { level: 0 }));
    const at = zip.indexOf(Buffer.from('第一百二十四条')) + 3 * 4 + 1;
    assert.ok(at > 0);
    zip[at] = (zip[at] ?? 0) ^ 0x07;
    const damaged = path.join(dir, '处罚信息（损坏）.xlsx');
    fs.writeFileSync(damaged, zip);
    const run = await cli(false, damaged);
    assert.equal(run.code, 1, run.stderr);
    assert.equal(run.stdout, '', 'no summary');
    // The message is the last line (warnings are logged to stderr before it, as JSON).
    assert.match(run.stderr.trim().split('\n').at(-1) ?? '', /^「处罚信息（损坏）\.xlsx」不能导入：工作簿中的部件「xl\/sharedStrings\.xml」内容校验失败（CRC-32不符），文件已损坏或被篡改，整个文件不予导入：请在Excel中重新保存后上传$/);
    const p = await open();
    const imported = await sql<{ n: number }>`select count(*)::int as n from record where document_number in (${penaltyRow(DEPT, 90_001).CF_WSH ?? ''}, ${penaltyRow(DEPT, 90_002).CF_WSH ?? ''})`.execute(p.db);
    assert.equal(imported.rows[0]?.n, 0);
    await p.close();
  });
});
