/**
 * Import boundaries (docs/architecture.md): common imports nothing of ours; platform imports only
 * common and platform; a module, a script, a test or a benchmark reaches a module only through its
 * index.ts; modules never import server/app. Static and dynamic imports. Exit 1 on any violation.
 */
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : /\.tsx?$/.test(e.name) ? [p] : [];
  });
}

const rel = (p: string) => path.relative(root, p).split(path.sep).join('/');
const problems: string[] = [];

for (const file of ['common', 'server', 'web', 'scripts', 'test', 'bench', 'e2e'].flatMap((d) => walk(path.join(root, d)))) {
  const from = rel(file);
  const isTest = from.endsWith('.test.ts');
  const text = fs.readFileSync(file, 'utf8');
  const specifiers = [
    ...text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]/gm),
    ...text.matchAll(/\bimport\(\s*['"](\.[^'"]+)['"]\s*\)/g),
  ];
  for (const m of specifiers) {
    const target = rel(path.resolve(path.dirname(file), m[1] as string));
    if (from.startsWith('common/') && !target.startsWith('common/')) problems.push(`${from}: common must not import ${target}`);
    if (from.startsWith('server/platform/') && !isTest && !target.startsWith('common/') && !target.startsWith('server/platform/')) {
      problems.push(`${from}: platform must import only common and platform, not ${target}`);
    }
    // Tests beside a module's code may reach into it; everything else goes through index.ts.
    const fromModule = /^server\/modules\/([^/]+)\//.exec(from)?.[1];
    const toModule = /^server\/modules\/([^/]+)\/(.+)$/.exec(target);
    if (toModule && toModule[1] !== fromModule && !/^index(\.js|\.ts)?$/.test(toModule[2] as string)) {
      problems.push(`${from}: reach module ${toModule[1]} through its index.ts, not ${target}`);
    }
    if (from.startsWith('server/modules/') && target.startsWith('server/app/')) problems.push(`${from}: modules must not import the composition root (${target})`);
    if (from.startsWith('web/') && !target.startsWith('common/') && !target.startsWith('web/')) problems.push(`${from}: web imports only common, not ${target}`);
  }
}

if (problems.length > 0) {
  console.error(`import boundary violations (${problems.length}):\n${problems.map((p) => `  ${p}`).join('\n')}`);
  process.exit(1);
}
console.log('import boundaries ok');
