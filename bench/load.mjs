// Load against one server, requests built per call by `next()` ({ method, path, headers, body,
// check }), every response checked by `check`: closed loop (autocannon, fixed concurrency) or open
// loop (runOpenLoop: a fixed schedule of arrivals, whatever the server's answers).
import http from 'node:http';
import autocannon from 'autocannon';
import { percentile } from './lib.mjs';

const r2 = (x) => (x === null || x === undefined ? null : Math.round(x * 100) / 100);

/** Counts each distinct answer of `check` (null: the response is right; a throw counts as a mismatch). */
function mismatchCounter() {
  const failures = new Map();
  return {
    check(check, status, body) {
      if (!check) return;
      let msg;
      try {
        msg = check(status, body);
      } catch (e) {
        msg = `check threw: ${e.message}`;
      }
      if (!msg) return;
      const key = msg.slice(0, 200);
      failures.set(key, (failures.get(key) ?? 0) + 1);
    },
    get total() {
      return [...failures.values()].reduce((a, b) => a + b, 0);
    },
    samples: () => Object.fromEntries([...failures.entries()].slice(0, 5)),
  };
}

/** p50/p95/p99/max of latencies in ms (sorted in place). */
function latencySummary(latencies, mean) {
  latencies.sort((a, b) => a - b);
  return {
    mean: r2(mean),
    p50: r2(percentile(latencies, 50)),
    p95: r2(percentile(latencies, 95)),
    p99: r2(percentile(latencies, 99)),
    max: r2(latencies[latencies.length - 1] ?? null),
  };
}

/**
 * @param {object} o
 * @param {string} o.url           base URL of the server
 * @param {() => {method:string,path:string,headers?:object,body?:string,check?:(status:number, body:string)=>string|null}} o.next
 * @param {number} o.connections
 * @param {number} o.duration      seconds
 */
export async function runLoad({ url, next, connections, duration, title }) {
  const latencies = [];
  const mismatches = mismatchCounter();
  let checked = 0;

  const instance = autocannon({
    url,
    title,
    connections,
    pipelining: 1,
    duration,
    timeout: 10,
    requests: [
      {
        setupRequest(req, context) {
          const r = next();
          context.check = r.check;
          req.method = r.method;
          req.path = r.path;
          req.headers = { ...(r.headers ?? {}) };
          if (r.body !== undefined) {
            req.body = r.body;
            req.headers['content-type'] = 'application/json';
          } else {
            delete req.body;
          }
          return req;
        },
        onResponse(status, body, context) {
          checked++;
          mismatches.check(context.check, status, body);
        },
      },
    ],
  });
  instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  const result = await instance;
  const total = result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx'];
  return {
    requests: total,
    rps: r2(total / result.duration),
    durationSeconds: r2(result.duration),
    latencyMs: latencySummary(latencies, result.latency.mean),
    status: { '2xx': result['2xx'], '4xx': result['4xx'], '5xx': result['5xx'] },
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    checked,
    mismatches: mismatches.total,
    mismatchSamples: mismatches.samples(),
    throughputMBps: r2(result.throughput.mean / 1e6),
  };
}

/**
 * Open loop: request k is due at start + k / rate, evenly spaced, sent on one of `connections`
 * keep-alive sockets (queued by the agent when all are busy), and its latency runs from when it was
 * due, not from when a socket was free — so a slow server cannot slow the arrivals down and hide its
 * queue (coordinated omission). Not autocannon's `overallRate`: that gives each connection a budget
 * per second, spent back to back at the start of each second, so the requests arrive in bursts of
 * `connections` and the latencies are those of a closed loop at full concurrency.
 */
export async function runOpenLoop({ url, next, connections, duration, rate }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const target = new URL(url);
  const latencies = [];
  const mismatches = mismatchCounter();
  const status = { '2xx': 0, '4xx': 0, '5xx': 0 };
  let non2xx = 0;
  let errors = 0;
  let timeouts = 0;
  let checked = 0;
  const inFlight = new Set();
  const answers = [];
  const start = performance.now();
  /** The slowest answer among the requests due in each second of the run (where the stalls were). */
  const worstPerSecond = [];
  // How late the generator itself sent each request (its own pauses, not the server's).
  const lateness = [];

  const send = (dueAt) => {
    lateness.push(performance.now() - dueAt);
    const r = next();
    const headers = { ...(r.headers ?? {}) };
    if (r.body !== undefined) headers['content-type'] = 'application/json';
    const done = new Promise((resolve) => {
      const req = http.request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          method: r.method,
          path: r.path,
          headers,
          timeout: 10_000,
        },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            const latency = performance.now() - dueAt;
            latencies.push(latency);
            const second = Math.floor((dueAt - start) / 1000);
            worstPerSecond[second] = Math.max(worstPerSecond[second] ?? 0, Math.round(latency));
            const code = res.statusCode ?? 0;
            if (code >= 200 && code < 300) status['2xx']++;
            else {
              non2xx++;
              if (code >= 500) status['5xx']++;
              else if (code >= 400) status['4xx']++;
            }
            // Checked after the run: parsing and comparing answers here made garbage the generator's
            // collector then marked in the middle of the measured seconds (see below).
            answers.push({ check: r.check, status: code, body: Buffer.concat(chunks).toString('utf8') });
            resolve();
          });
        },
      );
      req.on('timeout', () => {
        timeouts++;
        req.destroy(new Error('timeout'));
      });
      req.on('error', () => {
        errors++;
        resolve();
      });
      if (r.body !== undefined) req.end(r.body);
      else req.end();
    });
    inFlight.add(done);
    void done.then(() => inFlight.delete(done));
  };

  const total = Math.round(rate * duration);
  let sent = 0;
  await new Promise((resolve) => {
    const tick = () => {
      const now = performance.now();
      // Every request due by now goes out now, each timed from its own due time.
      while (sent < total && start + (sent * 1000) / rate <= now) {
        send(start + (sent * 1000) / rate);
        sent++;
      }
      if (sent >= total) return resolve();
      setTimeout(tick, Math.max(0, start + (sent * 1000) / rate - performance.now()));
    };
    tick();
  });
  await Promise.all([...inFlight]);
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  for (const { check, status, body } of answers) {
    checked++;
    mismatches.check(check, status, body);
  }
  const answered = status['2xx'] + non2xx;
  return {
    requests: answered,
    rps: r2(answered / elapsed),
    durationSeconds: r2(elapsed),
    offeredRate: rate,
    latencyMs: latencySummary(latencies, latencies.reduce((a, b) => a + b, 0) / (latencies.length || 1)),
    worstPerSecond: Array.from(worstPerSecond, (v) => v ?? 0),
    senderLatenessMs: {
      p50: r2(
        percentile(
          lateness.sort((a, b) => a - b),
          50,
        ),
      ),
      p99: r2(percentile(lateness, 99)),
      max: r2(lateness[lateness.length - 1] ?? null),
    },
    status,
    non2xx,
    errors,
    timeouts,
    checked,
    mismatches: mismatches.total,
    mismatchSamples: mismatches.samples(),
  };
}
