/** `npm start` (prestart): builds the web bundles when missing or older than their sources (~2 s). */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const built = path.join(root, 'dist/web/console/index.html');

function newest(dir: string): number {
  return fs.readdirSync(dir, { withFileTypes: true }).reduce((m, e) => {
    const p = path.join(dir, e.name);
    return Math.max(m, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }, 0);
}

const stale = !fs.existsSync(built) || fs.statSync(built).mtimeMs < Math.max(newest(path.join(root, 'web')), newest(path.join(root, 'common')));
if (stale) {
  console.log('构建网页（门户与管理后台）…');
  execFileSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
}
