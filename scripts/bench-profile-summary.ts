/**
 * `node dist/scripts/bench-profile-summary.js <file.cpuprofile> [--top 30]`: the functions with
 * the most self time in a V8 CPU profile (from `npm run bench -- --cpu-prof`), with their share
 * of the sampled time and where they are defined. Profiles are not committed.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
}

function main(): void {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith('--'));
  if (!file) throw new Error('usage: bench-profile-summary <file.cpuprofile> [--top N]');
  const t = args.indexOf('--top');
  const top = t >= 0 ? Number(args[t + 1]) : 30;
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  // self time per node: the time delta that follows each sample belongs to that sample's node
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    selfUs.set(samples[i], (selfUs.get(samples[i]) ?? 0) + (deltas[i + 1] ?? 0));
  }
  const byFunction = new Map<string, number>();
  let total = 0;
  for (const n of profile.nodes) {
    const us = selfUs.get(n.id) ?? 0;
    total += us;
    const { functionName, url, lineNumber } = n.callFrame;
    const where = url
      ? `${url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${lineNumber + 1}`
      : '';
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  }
  const rows = [...byFunction.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  console.log(`total sampled ${(total / 1e6).toFixed(2)} s; top ${top} by self time:`);
  for (const [name, us] of rows) {
    console.log(
      `${((100 * us) / total).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(7)} ms  ${name}`,
    );
  }
}

main();
