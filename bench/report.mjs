// Prints the Markdown tables of a results file (default bench-results.json) for BENCHMARKS.md.
//   node bench/report.mjs [file]
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'bench-results.json';
const r = JSON.parse(readFileSync(file, 'utf8'));
const out = [];
out.push(
  `Run of ${r.meta.startedAt} (${r.meta.mode}, ${r.meta.totalSeconds} s in all; dataset ${r.meta.dataset.reused ? 'reused' : `loaded in ${r.meta.dataset.totalSeconds} s`}; ` +
    `machine ${r.meta.machine.cpus} cores, load average at the end ${r.meta.machine.loadAverageAtEnd.join(' / ')}).`,
);
out.push('');
out.push(
  '| scenario | server | req/s | p50 ms | p95 ms | p99 ms | non-2xx | errors | mismatches | server CPU ms/req | DB CPU ms/req | peak RSS MB | load avg |',
);
out.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const [name, s] of Object.entries(r.scenarios)) {
  for (const t of ['baseline', 'app']) {
    const f = s[t];
    out.push(
      `| ${t === 'baseline' ? name : ''} | ${t} | ${f.rps} | ${f.latencyMs.p50} | ${f.latencyMs.p95} | ${f.latencyMs.p99} | ${f.non2xx} | ${f.errors} | ${f.mismatches} | ${f.serverCpuMsPerRequest} | ${f.databaseCpuMsPerRequest ?? '–'} | ${f.rss.peakMb} | ${f.loadAverage.before} |`,
    );
  }
  const rounds = s.rounds?.length > 1 ? ` (median of ${s.rounds.map((x) => x.ratio).join(', ')})` : '';
  out.push(`| | **ratio** | **${s.ratio}**${rounds} | | | | | | | **${s.cpuRatio}** (baseline/app) | | | |`);
}
const scen = Object.entries(r.scenarios);
if (scen.some(([, s]) => s.openLoop || s.ceiling)) {
  out.push('');
  out.push(
    "Open loop (fixed offered rate, 50% of the baseline's closed-loop maximum; median-p99 round) and the database's ceiling (pgbench -M prepared, same statements, pool concurrency):",
  );
  out.push('');
  out.push(
    '| scenario | offered req/s | baseline p50 / p99 ms | app p50 / p99 ms | app served req/s | pgbench tps | app req/s ÷ tps | baseline req/s ÷ tps |',
  );
  out.push('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const [name, s] of scen) {
    const o = s.openLoop;
    const c = s.ceiling;
    // The median-p99 round, and every round's p99 when there were several.
    const lat = (x) =>
      x
        ? `${x.latencyMs.p50} / ${x.latencyMs.p99}${x.rounds?.length > 1 ? ` (p99s ${x.rounds.map((q) => q.p99).join(', ')})` : ''}`
        : '–';
    out.push(
      `| ${name} | ${o?.rate ?? '–'} | ${lat(o?.baseline)} | ${lat(o?.app)} | ${o?.app?.rps ?? '–'} | ${c?.tps ?? (c?.error ? 'failed' : '–')} | ${c?.fraction ?? '–'} | ${c?.baselineFraction ?? '–'} |`,
    );
  }
}
if (r.memory?.app) {
  out.push('');
  out.push(
    `Memory: app idle ${r.memory.app.idleMb} MB, peak under load ${r.memory.app.peakUnderLoadMb} MB; baseline idle ${r.memory.baseline?.idleMb} MB, peak ${r.memory.baseline?.peakUnderLoadMb} MB.`,
  );
}
if (r.audit && !r.audit.error) {
  out.push(
    `Audit: ${r.audit.events} entries written, ${r.audit.sealed} sealed by the end of the run (sealer ${r.meta.whatIf === 'no-audit-integrity' ? 'off: --what-if=no-audit-integrity' : 'on'}).`,
  );
}
out.push('');
out.push('| target | measured | |');
out.push('|---|---|---|');
for (const l of r.summary)
  out.push(
    `| ${l.name}: ${l.target} | ${l.measured ?? 'not measured'} | ${l.pass === null ? '–' : l.pass ? 'pass' : '**miss**'} |`,
  );
console.log(out.join('\n'));
