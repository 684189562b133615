import { jest } from '@jest/globals';
import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { QUEUES } from '../src/common/queue/queues.js';
import {
  createMailTransport,
  MAIL_TRANSPORT,
  type MailTransport,
} from '../src/modules/notifications/mail-transport.js';
import { notificationRow, recordNotification, waitForStatus } from './factories/notifications.js';
import { createTestApp, type TestContext } from './support/test-app.js';

jest.setTimeout(45_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A redis-server of the test's own, so it can be stopped and started again. */
class OwnRedis {
  private child?: ChildProcess;
  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return Boolean(this.child && this.child.exitCode === null && this.child.signalCode === null);
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: 'ignore',
      },
    );
    const deadline = Date.now() + 10_000;
    for (;;) {
      const probe = new Redis(this.url, {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      try {
        await probe.connect();
        if ((await probe.ping()) === 'PONG') return;
      } catch {
        if (Date.now() > deadline) throw new Error(`redis-server on ${this.port} did not start`);
      } finally {
        probe.disconnect();
      }
      await sleep(50);
    }
  }

  /** Kills it outright (no save: its data is gone, as after a crash). */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }
}

describe('notifications while Redis is unavailable', () => {
  let redis: OwnRedis;
  let t: TestContext;

  beforeAll(async () => {
    redis = new OwnRedis(await freePort());
    await redis.start();
    t = await createTestApp({ env: { REDIS_URL: redis.url, NOTIFICATION_SWEEP_MS: '300' } });
  });
  afterAll(async () => {
    await redis.start().catch(() => undefined);
    await t?.close();
    await redis.stop();
  });

  it('keeps notifications recorded while Redis is down and delivers each once when it is back', async () => {
    const before = await recordNotification(t.app, { to: 'before@example.test' });
    await waitForStatus(t.app, before, 'sent');

    await redis.stop();
    const queue = t.app.get<Queue>(getQueueToken(QUEUES.notifications));
    while (queue.client.status === 'ready') await sleep(20);

    // The change that records the email commits whatever Redis does.
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push(await recordNotification(t.app, { to: `while-down-${i}@example.test` }));
    await sleep(1500); // several sweeps and wake-ups while Redis is down
    for (const id of ids) expect((await notificationRow(t.app, id)).status).toBe('pending');
    expect(t.smtp.messages.filter((m) => m.to[0].startsWith('while-down-'))).toHaveLength(0);

    await redis.start();
    for (const id of ids) await waitForStatus(t.app, id, 'sent', 20_000);
    await sleep(500);
    for (const id of ids) {
      expect(t.smtp.messages.filter((m) => m.messageId === `<${id}@mypatients>`)).toHaveLength(1);
    }
    // And the app is healthy again.
    const after = await recordNotification(t.app, { to: 'after@example.test' });
    await waitForStatus(t.app, after, 'sent');
  });
});

/**
 * Sends through the real SMTP transport; when armed, the first send "crashes" the instance right
 * after the server accepted the message: the promise never settles (the row is never marked sent,
 * the job never acknowledged) and the test stops that instance's Bull worker, as a dead process would.
 */
class CrashingTransport implements MailTransport {
  real?: MailTransport;
  armed = false;
  crashed?: () => void;
  async sendMail(message: Parameters<MailTransport['sendMail']>[0]) {
    const info = await this.real!.sendMail(message);
    if (this.armed) {
      this.armed = false;
      this.crashed?.();
      return new Promise<never>(() => undefined);
    }
    return info;
  }
  close(): void {
    this.real?.close();
  }
}

describe('notifications when the sender crashes between sending and acknowledging', () => {
  const transport = new CrashingTransport();
  let t: TestContext;

  beforeAll(async () => {
    t = await createTestApp({
      env: { NOTIFICATION_LOCK_MS: '1500', NOTIFICATION_SWEEP_MS: '500' },
      overrides: [[MAIL_TRANSPORT, transport]],
    });
    transport.real = createMailTransport(t.config);
  });
  afterAll(() => t.close());

  it('delivers it again, with the same Message-ID, from another instance: a duplicate at most, never a loss', async () => {
    transport.armed = true;
    const crashed = new Promise<void>((resolve) => (transport.crashed = resolve));
    const id = await recordNotification(t.app, { to: 'crash@example.test' });
    await crashed;
    // The first instance dies: its Bull worker stops (no more lock renewals), its send never returns.
    await t.app.get<Queue>(getQueueToken(QUEUES.notifications)).close(true);
    expect(t.smtp.to('crash@example.test')).toHaveLength(1);
    expect((await notificationRow(t.app, id)).status).not.toBe('sent');

    // A surviving instance takes the job over once the dead worker's lock has expired.
    await t.startAnotherInstance();
    const row = await waitForStatus(t.app, id, 'sent', 20_000);
    expect(row.attempts).toBe(1);
    const copies = t.smtp.to('crash@example.test');
    // The crashed send reached the server, and the survivor sent it again: exactly one duplicate, same Message-ID.
    expect(copies).toHaveLength(2);
    expect(new Set(copies.map((m) => m.messageId))).toEqual(new Set([`<${id}@mypatients>`]));

    // Notifications recorded after the crash are delivered by the survivor too.
    const later = await recordNotification(t.app, { to: 'after-crash@example.test' });
    await waitForStatus(t.app, later, 'sent');
    expect(t.smtp.to('after-crash@example.test')).toHaveLength(1);
  });
});

describe('notifications with two instances relaying and sending', () => {
  let t: TestContext;

  beforeAll(async () => {
    t = await createTestApp({ env: { NOTIFICATION_LOCK_MS: '1500', NOTIFICATION_SWEEP_MS: '300' } });
  });
  afterAll(() => t.close());

  it('sends from both instances, each notification once, and no duplicate turns up after the job lock time', async () => {
    const other = await t.startAnotherInstance();
    // Who sent what: each instance has its own SMTP transport; a short delay per send keeps one
    // instance from draining the queue alone (each sends at most NOTIFICATION_SEND_CONCURRENCY at a time).
    const sentBy = new Map<string, string[]>();
    for (const [label, app] of [
      ['a', t.app],
      ['b', other.app],
    ] as const) {
      const transport = app.get<MailTransport>(MAIL_TRANSPORT);
      const real = transport.sendMail.bind(transport);
      sentBy.set(label, []);
      jest.spyOn(transport, 'sendMail').mockImplementation(async (message) => {
        await sleep(40);
        const info = await real(message);
        sentBy.get(label)!.push(String(message.messageId));
        return info;
      });
    }
    const ids = await Promise.all(
      Array.from({ length: 80 }, (_, i) => recordNotification(t.app, { to: `two-${i}@example.test` })),
    );
    for (const id of ids) await waitForStatus(t.app, id, 'sent', 20_000);
    expect(sentBy.get('a')!.length).toBeGreaterThan(0);
    expect(sentBy.get('b')!.length).toBeGreaterThan(0);

    // Past the job lock time and several sweeps: a job whose lock lapsed would be taken again now.
    await sleep(1500 + 3 * 300 + 500);
    const expected = ids.map((id) => `<${id}@mypatients>`).sort();
    expect([...sentBy.get('a')!, ...sentBy.get('b')!].sort()).toEqual(expected);
    const received = t.smtp.messages.filter((m) => m.to[0].startsWith('two-')).map((m) => m.messageId);
    expect(received.sort()).toEqual(expected);
    jest.restoreAllMocks();
  });
});
