#!/usr/bin/env node
// Build size report of the web portal (dist/web): the initial JavaScript (the entry and the chunks
// index.html preloads: sign-in and Patient Selection) must stay within 250 KB gzip (issue 19).
// Prints a table, writes dist/web/size-report.json, and exits 1 over budget.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const DIST = process.env.WEB_DIST_DIR ?? join(process.cwd(), 'dist', 'web');
const BUDGET_KB = 250;
const html = readFileSync(join(DIST, 'index.html'), 'utf8');
const initial = new Set([...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]));
const kb = (n) => Math.round((n / 1024) * 10) / 10;

const files = readdirSync(join(DIST, 'assets'))
  .filter((f) => /\.(js|css)$/.test(f))
  .map((f) => {
    const buf = readFileSync(join(DIST, 'assets', f));
    return {
      file: `assets/${f}`,
      bytes: statSync(join(DIST, 'assets', f)).size,
      gzip: gzipSync(buf, { level: 9 }).length,
    };
  })
  .sort((a, b) => b.gzip - a.gzip);

const sum = (list, key) => list.reduce((n, f) => n + f[key], 0);
const initialJs = files.filter((f) => initial.has(f.file) && f.file.endsWith('.js'));
const initialCss = files.filter((f) => initial.has(f.file) && f.file.endsWith('.css'));
const report = {
  budgetKbGzip: BUDGET_KB,
  initialJs: {
    files: initialJs.map((f) => f.file),
    kb: kb(sum(initialJs, 'bytes')),
    kbGzip: kb(sum(initialJs, 'gzip')),
  },
  initialCss: { kb: kb(sum(initialCss, 'bytes')), kbGzip: kb(sum(initialCss, 'gzip')) },
  allJs: {
    kb: kb(
      sum(
        files.filter((f) => f.file.endsWith('.js')),
        'bytes',
      ),
    ),
    kbGzip: kb(
      sum(
        files.filter((f) => f.file.endsWith('.js')),
        'gzip',
      ),
    ),
  },
  files: files.map((f) => ({ ...f, initial: initial.has(f.file) })),
};
writeFileSync(join(DIST, 'size-report.json'), JSON.stringify(report, null, 2) + '\n');

console.log('web build size (KB: raw / gzip)');
for (const f of files)
  console.log(
    `  ${initial.has(f.file) ? '*' : ' '} ${f.file.padEnd(44)} ${String(kb(f.bytes)).padStart(8)} / ${String(kb(f.gzip)).padStart(7)}`,
  );
console.log(
  `  initial JS (* = loaded by the sign-in and Patient Selection pages): ${report.initialJs.kb} KB, ${report.initialJs.kbGzip} KB gzip (budget ${BUDGET_KB})`,
);
console.log(
  `  initial CSS: ${report.initialCss.kb} KB, ${report.initialCss.kbGzip} KB gzip; all JS: ${report.allJs.kbGzip} KB gzip`,
);
if (report.initialJs.kbGzip > BUDGET_KB) {
  console.error(`initial JS ${report.initialJs.kbGzip} KB gzip is over the ${BUDGET_KB} KB budget`);
  process.exit(1);
}
