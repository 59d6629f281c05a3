import http from 'node:http';
import fs from 'node:fs';
import { makeUscc } from '../test/fixtures.js';
import { startTestPlatform } from '../test/helpers.js';

const SETUP = { id: 'setup', name: 'setup', roles: ['sysAdmin'], departmentId: null, ip: null, requestId: null } as any;
const p = await startTestPlatform({ authenticate: null });
await p.app.listen({ port: 0, host: '127.0.0.1' });
const base = `http://127.0.0.1:${(p.app.server.address() as { port: number }).port}`;
const dept = await p.identity.createDepartment({ name: '福州市市场监督管理局', uscc: makeUscc('11', '350100', 601) }, SETUP);
const office = await p.identity.createDepartment({ name: '福州市发展和改革委员会', uscc: makeUscc('11', '350100', 602) }, SETUP);
await p.collection.setGrants(dept.id, ['CF'], { ...SETUP, roles: ['creditOffice'] });
const pw: Record<string, string> = {};
const mk = async (username: string, displayName: string, roles: string[], departmentId?: string) => {
  pw[username] = (await p.identity.createUser({ username, displayName, roles, ...(departmentId ? { departmentId } : {}) } as any, SETUP)).oneTimePassword;
};
await mk('an.quan', '安全员', ['secAdmin']);
pw['admin'] = (p as any).bootstrap.password;
await mk('li.si', '李四', ['submitter'], dept.id);
await mk('wang.wu', '王五', ['submitter'], dept.id);
await mk('zhao.liu', '赵六', ['submitter'], dept.id);
await mk('sun.qi', '孙七', ['creditOffice'], office.id);

const ctl = http.createServer(async (req, res) => {
  const u = new URL(req.url!, 'http://x');
  try {
    if (u.pathname === '/fail') {
      const out = [];
      const n = Number(u.searchParams.get('n') ?? 5);
      for (let i = 0; i < n; i++) {
        const r = await p.app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: u.searchParams.get('ip') ?? '203.0.113.9', payload: { username: u.searchParams.get('user'), password: u.searchParams.get('pw') ?? `Guess#${i}abc` } });
        out.push([r.statusCode, r.json()]);
      }
      res.end(JSON.stringify(out));
    } else if (u.pathname === '/audit') {
      res.end(JSON.stringify((await p.audit.list({ event: u.searchParams.get('event') ?? 'auth.lock_lift', limit: 5, offset: 0 } as any)).rows));
    } else res.end('?');
  } catch (e) { res.statusCode = 500; res.end(String((e as Error).stack)); }
});
ctl.listen(7799, '127.0.0.1');
fs.writeFileSync('/tmp/walk/state.json', JSON.stringify({ base, pw, deptUscc: makeUscc('11', '350100', 601) }, null, 1));
console.log('ready', base);
process.on('SIGTERM', async () => { await p.stop(); process.exit(0); });
