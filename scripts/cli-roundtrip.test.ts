import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import { unzipSync } from 'fflate';
import { sql } from 'kysely';
import { pino } from 'pino';
import { startPlatform } from '../server/app/platform.js';
import { makeIdNumber, makeUscc, penaltyRow } from '../test/fixtures.js';
import { loadConfig } from '../server/platform/config.js';
import { generateKeyFileContent } from '../server/platform/crypto/key-file.js';
import { ENGINE, freshDatabase } from '../test/helpers.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const DEPT = makeUscc('11', '350100', 3232);
const ID = makeIdNumber('350102', '19850101', 77);

/**
 * The operator's import command and the error workbook it writes beside the file: corrected and
 * imported again with the same command, the natural person's masked cells are filled from the
 * first file (kept encrypted by the platform), in another process with the same key file.
 */
describe(`npm run cli -- import: the error workbook round trip on ${ENGINE}`, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xy-cli-roundtrip-'));
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
    const rows = [
      penaltyRow(DEPT, 1, { CF_XDR_MC: '陈小红', CF_XDR_LB: '自然人', CF_XDR_SHXYM: '', CF_FRDB: '', CF_XDR_ZJLX: '身份证', CF_XDR_ZJHM: ID, CF_JDRQ: '2026-02-30' }),
      penaltyRow(DEPT, 2),
    ];
    const columns = Object.keys(rows[0] ?? {});
    fs.writeFileSync(file, `${[columns.join(','), ...rows.map((r) => columns.map((c) => r[c] ?? '').join(','))].join('\n')}\n`);
  });
  after(async () => {
    await drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const cli = (input: string) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/cli.ts', 'import', '--dept', DEPT, '--item', 'CF', input, '--json'], { cwd: ROOT, env: { ...process.env, ...env } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('exit', (code) => resolve({ code, stdout, stderr }));
    });

  it('imports the corrected 处罚信息.errors.xlsx as it is, with the person of the first file', async () => {
    const first = await cli(file);
    assert.equal(first.code, 0, first.stderr);
    const summary = JSON.parse(first.stdout) as { accepted: number; rejected: number; errorsFile: string };
    assert.deepEqual([summary.accepted, summary.rejected], [1, 1]);
    assert.equal(path.basename(summary.errorsFile), '处罚信息.errors.xlsx');
    const body = fs.readFileSync(summary.errorsFile);
    const text = Object.values(unzipSync(new Uint8Array(body))).map((b) => Buffer.from(b).toString('utf8')).join('\n');
    assert.ok(!text.includes(ID) && !text.includes('小红'), 'no clear ID number or given name in the written workbook');

    const book = new ExcelJS.Workbook();
    await book.xlsx.load(body as unknown as ArrayBuffer);
    const sheet = book.worksheets[0]!;
    const header = (sheet.getRow(1).values as unknown[]).map(String);
    sheet.getRow(2).getCell(header.indexOf('处罚决定日期')).value = '2026-02-28';
    await book.xlsx.writeFile(summary.errorsFile);

    const second = await cli(summary.errorsFile);
    assert.equal(second.code, 0, second.stderr);
    const again = JSON.parse(second.stdout) as { accepted: number; rejected: number; errorsFile: string | null };
    assert.deepEqual([again.accepted, again.rejected, again.errorsFile], [1, 0, null]);

    const p = await open();
    try {
      const s = await sql<{ id_number_enc: string; name_enc: string }>`select s.id_number_enc, s.name_enc from record r join subject s on s.id = r.subject_id where r.document_number = ${penaltyRow(DEPT, 1).CF_WSH ?? ''}`.execute(p.db);
      assert.deepEqual([p.cipher.decrypt(s.rows[0]?.id_number_enc ?? ''), p.cipher.decrypt(s.rows[0]?.name_enc ?? '')], [ID, '陈小红']);
    } finally {
      await p.close();
    }
  });
});
