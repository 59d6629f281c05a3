/**
 * The functions with the most self time in a V8 CPU profile (node --cpu-prof), with their files:
 *   node --import tsx bench/cpu-top.ts <file.cpuprofile> [N]
 */
import fs from 'node:fs';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }
const [file, n = '30'] = process.argv.slice(2);
if (!file) {
  console.error('usage: bench/cpu-top.ts <file.cpuprofile> [N]');
  process.exit(1);
}
const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[] };
const self = new Map<string, number>();
const byId = new Map(profile.nodes.map((x) => [x.id, x]));
for (const id of profile.samples) {
  const f = byId.get(id)?.callFrame;
  if (!f) continue;
  const key = `${f.functionName || '(anonymous)'}  ${f.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(server|common)\//, '$1/')}:${f.lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + 1);
}
const total = profile.samples.length;
for (const [key, hits] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(n))) console.log(`${((100 * hits) / total).toFixed(1).padStart(5)} %  ${key}`);

// Inclusive time of this project's own functions (server/, common/): where a request's time goes.
const parent = new Map<number, number>();
for (const x of profile.nodes as (Node & { children?: number[] })[]) for (const c of x.children ?? []) parent.set(c, x.id);
const inclusive = new Map<string, number>();
for (const id of profile.samples) {
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const f = byId.get(cur)?.callFrame;
    if (!f || !/\/(server|common)\//.test(f.url) || f.url.includes('node_modules')) continue;
    const key = `${f.functionName || '(anonymous)'}  ${f.url.replace(/^file:\/\/.*?\/(server|common)\//, '$1/')}:${f.lineNumber + 1}`;
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + 1);
  }
}
console.log('\ninclusive (own code):');
for (const [key, hits] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, Number(n))) console.log(`${((100 * hits) / total).toFixed(1).padStart(5)} %  ${key}`);
