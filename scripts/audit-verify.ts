/**
 * `npm run audit:verify`: links committed audit rows not yet chained, recomputes the audit hash chain
 * and checks it against the external checkpoints. Prints "intact" with the count, or the first broken
 * chain position; exit 1 then.
 */
import { pino } from 'pino';
import { startPlatform } from '../server/app/platform.js';
import { ConfigError, loadConfig } from '../server/platform/config.js';

try {
  const platform = await startPlatform({ ...loadConfig(), demoData: 'off' }, pino({ level: 'warn' }), { maintenance: true });
  const v = await platform.audit.verify();
  // A failing chainer is no break, but the operator must hear of it (docs/operations.md → Audit log).
  const chaining = await platform.audit.chainStatus();
  await platform.close();
  if (chaining.failure || chaining.overdue) {
    console.log(`warning: ${chaining.pending} 条审计记录等待链入哈希链（最早写于 ${chaining.oldestPendingAt ?? '—'}）${chaining.failure ? `；最近一次链接失败 ${chaining.failure.at}：${chaining.failure.message}` : ''}`);
  }
  if (v.intact) {
    // Rows are linked after commit (docs/adr/0004); verify links what is committed first, so rows still
    // waiting here were committed while it ran, or chaining failed (then said in the warning above).
    const pending = v.pending ? `；另有 ${v.pending} 条已提交、尚未链接` : '';
    console.log(`intact: ${v.count} 条审计记录，哈希链完整（最后链上序号 ${v.lastSeq}，外部检查点 ${v.checkpoints} 个${pending}）`);
  } else {
    console.log(`broken at ${v.firstBroken}: ${v.reason}`);
    process.exit(1);
  }
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : `校验失败：${(err as Error).message}`);
  process.exit(1);
}
