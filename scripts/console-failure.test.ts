/**
 * The 工作台's last errors in words (web/console/failure.ts): the strings jobs and deliveries
 * record become Chinese sentences, and a sentence already in Chinese is kept. Here because web/'s
 * tsconfig has no node types (as scripts/i18n.test.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { failureSentence } from '../web/console/failure.js';

describe('a last error in words (web/console/failure.ts)', () => {
  it('names each known kind in Chinese', () => {
    const cases: [string, RegExp][] = [
      ['HTTP 503', /^接收方的系统出错（HTTP 503）$/],
      ['Request failed with status code 404', /^接收方未接受（HTTP 404）$/],
      ['HTTP 401', /拒绝了平台的身份/],
      ['connect ECONNREFUSED 127.0.0.1:5432', /^连接被拒绝/],
      ['getaddrinfo ENOTFOUND receiver.example.gov.cn', /^找不到域名/],
      ['The operation was aborted due to timeout', /^等待应答超时$/],
      ['connect ETIMEDOUT receiver.example.gov.cn:443', /^等待应答超时$/],
      ['invalid signature', /^签名有误/],
      ['duplicate key value violates unique constraint "x"', /^执行出错，原因未归类/],
    ];
    for (const [raw, sentence] of cases) assert.match(failureSentence(raw), sentence, raw);
  });

  it('keeps a sentence that is already Chinese (the dispatcher’s, a job’s own refusal)', () => {
    for (const raw of ['接收方拒绝连接：对方的接收程序可能未启动', '第3次执行未结束：处理它的进程已退出或失去响应（租约到期）']) assert.equal(failureSentence(raw), raw);
  });
});
