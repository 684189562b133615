import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { signJwt } from './security-world.js';

/**
 * Real processes for fault injection: the compiled application (`dist/src/main.js`) as a child
 * process, and a private `redis-server` on its own port, both started, stopped, restarted and
 * killed by the test.
 */

const ROOT = process.cwd();
const MAIN = join(ROOT, 'dist', 'src', 'main.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds `dist/` when it is missing or older than the sources (one build at a time across workers). */
export async function ensureBuilt(): Promise<void> {
  const lock = join(ROOT, '.security-build-lock');
  const stale = () =>
    !existsSync(MAIN) ||
    statSync(MAIN).mtimeMs < Math.max(newestMtime(join(ROOT, 'src')), newestMtime(join(ROOT, 'migrations')));
  for (let waited = 0; ; waited += 200) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (waited > 120_000) rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    if (stale())
      execFileSync(
        process.execPath,
        [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
        { cwd: ROOT, stdio: 'pipe' },
      );
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** A private Redis (no persistence) the test can stop and start again on the same port. */
export class RedisProcess {
  private child?: ChildProcess;
  port = 0;

  async start(): Promise<this> {
    if (!this.port) this.port = await freePort();
    this.child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
      ],
      {
        stdio: 'ignore',
      },
    );
    await waitFor(async () => (await this.ping()) === 'PONG', 10_000, `redis-server on ${this.port}`);
    return this;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async ping(): Promise<string> {
    try {
      return execFileSync('redis-cli', ['-p', String(this.port), 'ping'], { stdio: 'pipe', timeout: 2000 })
        .toString()
        .trim();
    } catch {
      return 'down';
    }
  }

  /** Stops it abruptly (SIGKILL): clients see connections reset, as in a crash. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }
}

export interface AppProcessOptions {
  env: Record<string, string>;
}

/** The compiled application in a child process, with its output captured line by line. */
export class AppProcess {
  private child?: ChildProcess;
  readonly output: string[] = [];
  port = 0;
  exits: Array<{ code: number | null; signal: string | null }> = [];

  constructor(private readonly options: AppProcessOptions) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    if (!this.port) this.port = await freePort();
    const child = spawn(process.execPath, [MAIN], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...this.options.env, PORT: String(this.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const collect = (chunk: Buffer) => this.output.push(...chunk.toString().split('\n').filter(Boolean));
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    child.once('exit', (code, signal) => this.exits.push({ code, signal }));
    await waitFor(
      async () => {
        if (child.exitCode !== null)
          throw new Error(`app exited with ${child.exitCode}: ${this.output.slice(-20).join('\n')}`);
        const res = await fetch(`${this.url}/api/v1/health`);
        return res.status === 200 || res.status === 503;
      },
      30_000,
      'the app to listen',
    ).catch((error) => {
      throw new Error(`${(error as Error).message}\n${this.output.slice(-30).join('\n')}`);
    });
    return this;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Ends the process with a signal and waits for it to be gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
  }

  fetch(path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`${this.url}${path}`, init);
  }
}

/** A user row and a bearer token for it, made directly in the database (for child-process apps). */
export async function userWithToken(
  client: pg.Client,
  jwtSecret: string,
  kind: 'provider' | 'staff' | 'sponsored',
  overrides: { email?: string; practiceId?: string | null; npi?: string | null; isSponsor?: boolean } = {},
): Promise<{ id: string; email: string; token: string }> {
  const email = overrides.email ?? `${kind}-${Math.random().toString(36).slice(2)}@example.test`;
  const { rows } = await client.query(
    `INSERT INTO users (kind, email, first_name, last_name, npi, practice_id, is_sponsor, status, email_verified_at, approved_at)
     VALUES ($1, $2, 'Fault', 'Tester', $3, $4, $5, 'active', now(), now()) RETURNING id`,
    [kind, email, overrides.npi ?? null, overrides.practiceId ?? null, overrides.isSponsor ?? false],
  );
  const id = rows[0].id as string;
  // Staff routes need the `team` role (issue 16).
  if (kind === 'staff') await client.query(`UPDATE users SET roles = '{team}' WHERE id = $1`, [id]);
  const session = await client.query(
    `INSERT INTO sessions (user_id, created_at, last_active_at, expires_at, method) VALUES ($1, now(), now(), now() + interval '12 hours', 'password_totp') RETURNING id`,
    [id],
  );
  const now = Math.floor(Date.now() / 1000);
  const token = signJwt(
    { alg: 'HS256', typ: 'JWT' },
    {
      sub: id,
      sid: session.rows[0].id,
      kind,
      iat: now,
      exp: now + 3600,
      iss: 'mypatients',
      aud: 'mypatients-api',
    },
    jwtSecret,
  );
  return { id, email, token };
}
