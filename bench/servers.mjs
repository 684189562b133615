// Starting, watching and stopping the two servers under test (each its own child process).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_DIR, DIST, log, sleep } from './lib.mjs';

/** Resident set size of a process in MB (Linux /proc), or null when it is gone. */
export function rssMb(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmRSS:\s+(\d+) kB/.exec(status);
    return m ? Math.round(Number(m[1]) / 102.4) / 10 : null;
  } catch {
    return null;
  }
}

/** utime + stime of a /proc stat file, in seconds (clock ticks of 1/100 s). */
function statCpuSeconds(path) {
  const stat = readFileSync(path, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU seconds (user + system) a process has used so far (Linux /proc), or null when it is gone. */
export function cpuSeconds(pid) {
  try {
    return statCpuSeconds(`/proc/${pid}/stat`);
  } catch {
    return null;
  }
}

/**
 * CPU seconds of a process's main thread and of all its threads (the others being V8's compiler and
 * GC helpers and libuv's pool), from /proc; null when it is gone.
 */
export function threadCpuSeconds(pid) {
  try {
    return {
      main: statCpuSeconds(`/proc/${pid}/task/${pid}/stat`),
      total: statCpuSeconds(`/proc/${pid}/stat`),
    };
  } catch {
    return null;
  }
}

/** Samples a pid's RSS every `everyMs` until stopped; returns { peak, mean, samples }. */
export function sampleRss(pid, everyMs = 200) {
  const values = [];
  const take = () => {
    const v = rssMb(pid);
    if (v !== null) values.push(v);
  };
  take();
  const timer = setInterval(take, everyMs);
  return () => {
    clearInterval(timer);
    take();
    const peak = values.length ? Math.max(...values) : null;
    const mean = values.length
      ? Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 10) / 10
      : null;
    return { peakMb: peak, meanMb: mean, samples: values.length };
  };
}

async function waitHealthy(url, child, name, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode} before it was ready`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`${name} not healthy at ${url} after ${timeoutMs} ms`);
}

function startChild(name, args, env, healthUrl) {
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail = [];
  const keep = (chunk) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line.trim()) continue;
      tail.push(line);
      if (tail.length > 200) tail.shift();
      if (process.env.BENCH_VERBOSE) log(`[${name}] ${line}`);
    }
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const server = {
    name,
    child,
    pid: child.pid,
    tail,
    async ready() {
      await waitHealthy(healthUrl, child, name).catch((e) => {
        log(`${name} output:\n${tail.join('\n')}`);
        throw e;
      });
      return server;
    },
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(t);
      return code;
    },
  };
  return server;
}

/** The Node flags `npm start` gives the server (package.json `config.node_flags`, e.g. the heap limit). */
export function startFlags() {
  const flags =
    JSON.parse(readFileSync(join(BENCH_DIR, '..', 'package.json'), 'utf8')).config?.node_flags ?? '';
  return flags.split(/\s+/).filter(Boolean);
}

/** The production build, started as in production (NODE_ENV=production, secrets set, `npm start`'s flags). */
export function startApp({ port, env, cpuProfDir }) {
  // BENCH_APP_NODE_FLAGS: more Node flags for the app only (e.g. --trace-gc, which NODE_OPTIONS refuses); after startFlags(), so they win.
  const args = [...startFlags(), ...(process.env.BENCH_APP_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean)];
  if (cpuProfDir) args.push('--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`);
  args.push(join(DIST, 'src', 'main.js'));
  return startChild(
    'app',
    args,
    { ...env, PORT: String(port) },
    `http://127.0.0.1:${port}/api/v1/health`,
  ).ready();
}

/** The bare node:http + pg server running the same SQL (bench/baseline-server.mjs). */
export function startBaseline({ port, env, cpuProfDir }) {
  const args = [];
  if (cpuProfDir) args.push('--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`);
  args.push(join(BENCH_DIR, 'baseline-server.mjs'));
  return startChild(
    'baseline',
    args,
    { ...env, PORT: String(port) },
    `http://127.0.0.1:${port}/health`,
  ).ready();
}
