/** `npm run keys:generate -- <file>`: writes a new key file (mode 0600); never overwrites one. */
import fs from 'node:fs';
import path from 'node:path';
import { generateKeyFileContent } from '../server/platform/crypto/key-file.js';

const file = process.argv[2];
if (!file) {
  console.error('用法：npm run keys:generate -- <密钥文件路径>');
  process.exit(1);
}
const target = path.resolve(file);
try {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, generateKeyFileContent(), { mode: 0o600, flag: 'wx' });
} catch (err) {
  console.error((err as NodeJS.ErrnoException).code === 'EEXIST' ? `密钥文件已存在，未覆盖：${target}` : `写入失败：${(err as Error).message}`);
  process.exit(1);
}
console.log(`已生成密钥文件：${target}（请离线备份；丢失后已加密的身份证号码将无法解密）`);
