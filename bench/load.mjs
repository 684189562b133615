// One autocannon run against one server: fixed concurrency, requests built per call by
// `next()` ({ method, path, headers, body, check }), every response checked by `check`.
import autocannon from 'autocannon';
import { percentile } from './lib.mjs';

/**
 * @param {object} o
 * @param {string} o.url           base URL of the server
 * @param {() => {method:string,path:string,headers?:object,body?:string,check?:(status:number, body:string)=>string|null}} o.next
 * @param {number} o.connections
 * @param {number} o.duration      seconds
 * @param {number} [o.overallRate] open loop: requests per second offered across all connections
 *                                 (autocannon's overallRate); closed loop when absent
 */
export async function runLoad({ url, next, connections, duration, title, overallRate }) {
  const latencies = [];
  const failures = new Map(); // check message -> count
  let checked = 0;
  const fail = (msg) => failures.set(msg, (failures.get(msg) ?? 0) + 1);

  const instance = autocannon({
    url,
    title,
    connections,
    pipelining: 1,
    duration,
    ...(overallRate ? { overallRate } : {}),
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
          if (context.check) {
            let msg;
            try {
              msg = context.check(status, body);
            } catch (e) {
              msg = `check threw: ${e.message}`;
            }
            if (msg) fail(msg.slice(0, 200));
          }
        },
      },
    ],
  });
  instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  const result = await instance;
  latencies.sort((a, b) => a - b);
  const r2 = (x) => (x === null || x === undefined ? null : Math.round(x * 100) / 100);
  const total = result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx'];
  return {
    requests: total,
    rps: r2(total / result.duration),
    durationSeconds: r2(result.duration),
    latencyMs: {
      mean: r2(result.latency.mean),
      p50: r2(percentile(latencies, 50)),
      p95: r2(percentile(latencies, 95)),
      p99: r2(percentile(latencies, 99)),
      max: r2(latencies[latencies.length - 1] ?? null),
    },
    status: { '2xx': result['2xx'], '4xx': result['4xx'], '5xx': result['5xx'] },
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    checked,
    mismatches: [...failures.values()].reduce((a, b) => a + b, 0),
    mismatchSamples: Object.fromEntries([...failures.entries()].slice(0, 5)),
    throughputMBps: r2(result.throughput.mean / 1e6),
  };
}
