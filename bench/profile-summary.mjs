// Summarises a V8 .cpuprofile (from `npm run bench -- --profile`): self time by package / area and
// the top functions, so a missed target can be traced to what costs the CPU.
//
//   node bench/profile-summary.mjs bench/profiles/<file>.cpuprofile [--top=25] [--busiest=8]
//
// --busiest=S: only the S seconds of the profile with the most busy samples (the measured load,
// without start-up, warm-up and idle time).
import { readFileSync } from 'node:fs';

/** [first, last) sample indexes of the `seconds`-long window with the most non-idle time. */
function busiestWindow(profile, idleIds, seconds) {
  const span = seconds * 1e6;
  let best = [0, profile.samples.length];
  let bestBusy = -1;
  let busy = 0;
  let elapsed = 0;
  let first = 0;
  for (let last = 0; last < profile.samples.length; last++) {
    const dt = profile.timeDeltas[last] ?? 0;
    elapsed += dt;
    if (!idleIds.has(profile.samples[last])) busy += dt;
    while (elapsed > span && first < last) {
      const dropped = profile.timeDeltas[first + 1] ?? 0;
      elapsed -= dropped;
      if (!idleIds.has(profile.samples[first + 1])) busy -= dropped;
      first++;
    }
    if (busy > bestBusy) {
      bestBusy = busy;
      best = [first, last + 1];
    }
  }
  return best;
}

export function summarizeProfile(path, top = 25, busiestSeconds = 0) {
  const profile = JSON.parse(readFileSync(path, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const idleIds = new Set(
    profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id),
  );
  const [from, to] = busiestSeconds
    ? busiestWindow(profile, idleIds, busiestSeconds)
    : [0, profile.samples.length];
  const self = new Map();
  // samples[i] is the node id sampled; timeDeltas[i] the microseconds since the previous sample.
  for (let i = from; i < to; i++) {
    const id = profile.samples[i];
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const areaOf = (url) => {
    if (!url) return '(native/V8)';
    const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
    if (nm) return nm[1];
    if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
    if (url.includes('/dist/src/'))
      return `project ${url.split('/dist/src/')[1].split('/').slice(0, 2).join('/')}`;
    if (url.includes('/bench/')) return 'bench';
    return url;
  };
  const areas = new Map();
  const fns = new Map();
  for (const [id, us] of self) {
    const n = byId.get(id);
    const cf = n.callFrame;
    const special = ['(idle)', '(program)', '(garbage collector)'].includes(cf.functionName)
      ? cf.functionName
      : null;
    const area = special ?? areaOf(cf.url);
    areas.set(area, (areas.get(area) ?? 0) + us);
    const key = `${cf.functionName || '(anonymous)'} ${cf.url ? `${cf.url.replace(/^.*node_modules\//, '').replace(/^.*\/dist\//, 'dist/')}:${cf.lineNumber + 1}` : ''}`;
    fns.set(key, (fns.get(key) ?? 0) + us);
  }
  const pct = (us) => Math.round((us / total) * 1000) / 10;
  const busy = total - (areas.get('(idle)') ?? 0);
  return {
    file: path,
    totalMs: Math.round(total / 1000),
    busyPercent: pct(busy),
    areas: [...areas.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([area, us]) => ({ area, percent: pct(us) })),
    functions: [...fns.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([fn, us]) => ({ fn, percent: pct(us) })),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const top = Number(process.argv.find((a) => a.startsWith('--top='))?.split('=')[1] ?? 25);
  const busiest = Number(process.argv.find((a) => a.startsWith('--busiest='))?.split('=')[1] ?? 0);
  for (const file of process.argv.slice(2).filter((a) => !a.startsWith('--'))) {
    const s = summarizeProfile(file, top, busiest);
    console.log(`\n${s.file}: ${s.totalMs} ms sampled, busy ${s.busyPercent}%`);
    console.log('  by area (self time):');
    for (const a of s.areas) console.log(`    ${String(a.percent).padStart(5)}%  ${a.area}`);
    console.log('  top functions (self time):');
    for (const f of s.functions) console.log(`    ${String(f.percent).padStart(5)}%  ${f.fn}`);
  }
}
