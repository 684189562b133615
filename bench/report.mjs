// Prints the Markdown tables of a results file (default bench-results.json) for BENCHMARKS.md.
//   node bench/report.mjs [file]
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'bench-results.json';
const r = JSON.parse(readFileSync(file, 'utf8'));
const out = [];
out.push(`Run of ${r.meta.startedAt} (${r.meta.mode}, ${r.meta.totalSeconds} s in all; dataset ${r.meta.dataset.reused ? 'reused' : `loaded in ${r.meta.dataset.totalSeconds} s`}; ` +
  `machine ${r.meta.machine.cpus} cores, load average at the end ${r.meta.machine.loadAverageAtEnd.join(' / ')}).`);
out.push('');
out.push('| scenario | server | req/s | p50 ms | p95 ms | p99 ms | non-2xx | errors | mismatches | server CPU ms/req | DB CPU ms/req | peak RSS MB | load avg |');
out.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const [name, s] of Object.entries(r.scenarios)) {
  for (const t of ['baseline', 'app']) {
    const f = s[t];
    out.push(`| ${t === 'baseline' ? name : ''} | ${t} | ${f.rps} | ${f.latencyMs.p50} | ${f.latencyMs.p95} | ${f.latencyMs.p99} | ${f.non2xx} | ${f.errors} | ${f.mismatches} | ${f.serverCpuMsPerRequest} | ${f.databaseCpuMsPerRequest ?? '–'} | ${f.rss.peakMb} | ${f.loadAverage.before} |`);
  }
  out.push(`| | **ratio** | **${s.ratio}** | | | | | | | **${s.cpuRatio}** (baseline/app) | | | |`);
}
out.push('');
out.push('| target | measured | |');
out.push('|---|---|---|');
for (const l of r.summary) out.push(`| ${l.name}: ${l.target} | ${l.measured ?? 'not measured'} | ${l.pass === null ? '–' : l.pass ? 'pass' : '**miss**'} |`);
console.log(out.join('\n'));
