import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import type { DataSource } from 'typeorm';
import { FixedClock } from '../../common/time/clock.js';
import type { AppConfig } from '../../config/app-config.js';
import type { MailTransport } from './mail-transport.js';
import type { NotificationRendererService } from './notification-renderer.service.js';
import type { NotificationSealer } from './notification-sealer.js';
import { NotificationsProcessor } from './notifications.processor.js';
import type { NotificationsRepository, OutboxRow } from './notifications.repository.js';
import type { NotificationsService } from './notifications.service.js';
import { batchJobId, readSendJob, retryJobOptions, type SendJobData } from './send-batch.js';
import { TemplateError } from './template-renderer.js';

const smtpError = (code: number) => Object.assign(new Error(`${code} refused`), { responseCode: code });

/** A processor over fakes: an outbox of `rows`, a transport that fails the recipients in `failing`. */
function processorWith(rows: OutboxRow[], failing: Record<string, Error> = {}) {
  const outbox = new Map(rows.map((r) => [r.id, { ...r }]));
  const attempts = new Map<string, number>();
  const repository = {
    findForSending: jest.fn(
      async (ids: string[]) =>
        new Map(ids.flatMap((id) => (outbox.has(id) ? [[id, { ...outbox.get(id)! }] as const] : []))),
    ),
    markSent: jest.fn(async (ids: string[]) => {
      for (const id of ids) outbox.get(id)!.status = 'sent';
    }),
    recordAttemptFailed: jest.fn(async (_m: unknown, id: string, _e: string, final: boolean) => {
      attempts.set(id, (attempts.get(id) ?? 0) + 1);
      if (final) outbox.get(id)!.status = 'failed';
      return attempts.get(id);
    }),
  } as unknown as NotificationsRepository;
  const sendMail = jest.fn(async (message: { to?: unknown }) => {
    const error = failing[String(message.to)];
    if (error) throw error;
    return { messageId: 'x' };
  });
  const transport = { sendMail, close: () => undefined } as unknown as MailTransport;
  const addBulk = jest.fn(async () => []);
  const queue = { addBulk } as unknown as Queue;
  const renderer = {
    render: (template: string) => {
      if (template === 'broken') throw new TemplateError('missing variable');
      return { subject: 's', text: 't', html: 'h' };
    },
  } as unknown as NotificationRendererService;
  const sealer = { open: (data: unknown) => data } as unknown as NotificationSealer;
  const record = jest.fn(async () => 'alert');
  const notifications = { record } as unknown as NotificationsService;
  // inTransaction's BEGIN and COMMIT go to a connection that does nothing.
  const dataSource = {
    createQueryRunner: () => ({
      connect: async () => ({ query: async () => ({ rows: [] }) }),
      manager: {},
      release: async () => undefined,
    }),
  } as unknown as DataSource;
  const config = {
    mailFrom: 'from@test',
    teamEmail: 'team@test',
    notifications: { attempts: 3, backoffMs: 100, batchSize: 20, sendConcurrency: 32, sender: true },
  } as unknown as AppConfig;
  const processor = new NotificationsProcessor(
    dataSource,
    repository,
    renderer,
    sealer,
    notifications,
    new FixedClock(new Date('2026-12-01T12:00:00Z')),
    transport,
    queue,
    config,
  );
  const job = (data: SendJobData, attemptsMade = 0) => {
    const discard = jest.fn();
    return { job: { data, attemptsMade, discard } as unknown as Job<SendJobData>, discard };
  };
  return { processor, outbox, sendMail, addBulk, record, job, config };
}

const row = (id: string, extra: Partial<OutboxRow> = {}): OutboxRow => ({
  id,
  template: 'delivery-failed',
  recipient: `${id}@example.test`,
  data: {},
  status: 'queued',
  ...extra,
});

describe('NotificationsProcessor batch jobs', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn']));

  it('sends every email of a batch, marks them sent, and a second run of the job sends none again', async () => {
    const p = processorWith([row('a'), row('b'), row('c')]);
    const { job } = p.job({ ids: ['a', 'b', 'c'] });
    expect(await p.processor.send(job)).toEqual({ sent: 3, skipped: 0, retrying: 0, failed: 0 });
    expect([...p.outbox.values()].map((r) => r.status)).toEqual(['sent', 'sent', 'sent']);

    expect(await p.processor.send(job)).toEqual({ sent: 0, skipped: 3, retrying: 0, failed: 0 });
    expect(p.sendMail).toHaveBeenCalledTimes(3);
  });

  it('retries only the email that failed, in its own delayed job, and completes the batch', async () => {
    const p = processorWith([row('a'), row('b'), row('c')], { 'b@example.test': smtpError(421) });
    const { job } = p.job({ ids: ['a', 'b', 'c'] });
    expect(await p.processor.send(job)).toEqual({ sent: 2, skipped: 0, retrying: 1, failed: 0 });
    expect(p.outbox.get('b')!.status).toBe('queued');
    expect(p.addBulk).toHaveBeenCalledTimes(1);
    expect(p.addBulk.mock.calls[0]).toEqual([
      [
        {
          name: 'send-notification',
          data: { ids: ['b'], firstAttempt: 2 },
          opts: retryJobOptions(p.config.notifications, 'b', 1),
        },
      ],
    ]);
    const [[retry]] = p.addBulk.mock.calls[0] as unknown as [
      [{ opts: { jobId: string; delay: number; attempts: number } }],
    ];
    expect(retry.opts).toMatchObject({ jobId: 'b', delay: 100, attempts: 2 });

    // The retry job sends b alone: a and c are not sent again.
    p.sendMail.mockClear();
    const { job: retryJob } = p.job({ ids: ['b'], firstAttempt: 2 });
    p.sendMail.mockImplementationOnce(async () => ({ messageId: 'x' }));
    expect(await p.processor.send(retryJob)).toEqual({ sent: 1, skipped: 0, retrying: 0, failed: 0 });
    expect(p.sendMail.mock.calls.map(([m]) => m.to)).toEqual(['b@example.test']);
    expect(p.outbox.get('b')!.status).toBe('sent');
  });

  it('rethrows in an email retry job so Bull backs off, and fails the email at its last attempt with one team alert', async () => {
    const p = processorWith([row('b', { template: 'access-request-approved' })], {
      'b@example.test': smtpError(421),
    });
    const second = p.job({ ids: ['b'], firstAttempt: 2 }, 0);
    await expect(p.processor.send(second.job)).rejects.toThrow('421');
    expect(p.outbox.get('b')!.status).toBe('queued');
    expect(second.discard).not.toHaveBeenCalled();
    expect(p.record).not.toHaveBeenCalled();

    const last = p.job({ ids: ['b'], firstAttempt: 2 }, 1); // attempt 3 of 3
    await expect(p.processor.send(last.job)).rejects.toThrow('421');
    expect(p.outbox.get('b')!.status).toBe('failed');
    expect(p.record).toHaveBeenCalledTimes(1);
    expect(p.addBulk).not.toHaveBeenCalled();
  });

  it('fails permanent errors at once without a retry job, and still sends the rest of the batch', async () => {
    const p = processorWith([row('a'), row('b'), row('c', { template: 'broken' })], {
      'a@example.test': smtpError(550),
    });
    const { job } = p.job({ ids: ['a', 'b', 'c'] });
    expect(await p.processor.send(job)).toEqual({ sent: 1, skipped: 0, retrying: 0, failed: 2 });
    expect([...p.outbox.values()].map((r) => r.status)).toEqual(['failed', 'sent', 'failed']);
    expect(p.addBulk).not.toHaveBeenCalled();
  });

  it('skips ids whose row is gone or already failed', async () => {
    const p = processorWith([row('a', { status: 'failed' }), row('b')]);
    const { job } = p.job({ ids: ['a', 'b', 'gone'] });
    expect(await p.processor.send(job)).toEqual({ sent: 1, skipped: 2, retrying: 0, failed: 0 });
    expect(p.sendMail).toHaveBeenCalledTimes(1);
  });

  it('discards a one-email job queued before batching ({ id }) when its failure is permanent', async () => {
    const p = processorWith([row('a')], { 'a@example.test': smtpError(550) });
    const { job, discard } = p.job({ id: 'a' });
    await expect(p.processor.send(job)).rejects.toThrow('550');
    expect(discard).toHaveBeenCalled();
    expect(p.outbox.get('a')!.status).toBe('failed');
  });
});

describe('send-batch helpers', () => {
  it('derives the same batch jobId from the same ids in any order, and never a notification id', () => {
    expect(batchJobId(['b', 'a'])).toBe(batchJobId(['a', 'b']));
    expect(batchJobId(['a', 'b'])).not.toBe(batchJobId(['a', 'c']));
    expect(batchJobId(['a'])).toMatch(/^batch-[0-9a-f]{32}$/);
  });

  it('numbers the attempts of batch, retry and pre-batching jobs', () => {
    expect(readSendJob({ ids: ['a', 'b'] }, 0)).toEqual({ ids: ['a', 'b'], attempt: 1, perEmail: false });
    expect(readSendJob({ ids: ['a'], firstAttempt: 2 }, 1)).toEqual({
      ids: ['a'],
      attempt: 3,
      perEmail: true,
    });
    expect(readSendJob({ id: 'a' }, 2)).toEqual({ ids: ['a'], attempt: 3, perEmail: true });
  });
});
