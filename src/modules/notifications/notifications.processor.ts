import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { DataSource } from 'typeorm';
import { JOBS, QUEUES } from '../../common/queue/queues.js';
import { Clock } from '../../common/time/clock.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { Batcher } from './batcher.js';
import { MAIL_TRANSPORT, messageIdFor, type MailTransport } from './mail-transport.js';
import { NotificationsRepository, type OutboxRow } from './notifications.repository.js';
import { NotificationsService } from './notifications.service.js';
import { NotificationRendererService } from './notification-renderer.service.js';
import { NotificationSealer, SealedFieldError } from './notification-sealer.js';
import { readSendJob, retryJobOptions, type SendJobData, type SendNotificationsJob } from './send-batch.js';
import type { TemplateName } from './template-registry.js';
import { TemplateError } from './template-renderer.js';
import { inTransaction } from '../../database/sql.js';

/** The team is told of final failures at most once an hour (idempotency key per hour). */
export const DELIVERY_FAILED_TEMPLATE = 'delivery-failed' satisfies TemplateName;

/** What a job did with its ids: `skipped` were already sent, failed or gone (the outbox row's status decides). */
export interface SendOutcome {
  sent: number;
  skipped: number;
  retrying: number;
  failed: number;
}

/**
 * Sends the emails of a `send-notification` job: read their rows (one query), render each, send them
 * over SMTP at once with a Message-ID derived from the id, mark the accepted ones `sent` (one
 * statement). Rows already `sent` or `failed` are skipped: a job run again sends only what is not yet `sent`.
 * Each email has its own outcome: a failed attempt is counted with its error; after the last attempt,
 * or at once for a permanent failure (a template that cannot render, an SMTP 5xx), it is `failed`
 * and the team is told (at most once an hour). A batch job's failed email gets its own retry job
 * (jobId = its id, with backoff) and the batch completes: its sent emails are never sent again. A
 * one-email retry job rethrows, so Bull retries it with exponential backoff.
 * A row is marked after the server accepted the message: a crash in between sends it again with the
 * same Message-ID (at least once, never lost).
 * Runs only where `config.notifications.sender` is on (NOTIFICATIONS_SENDER; always in src/worker.ts).
 */
@Injectable()
export class NotificationsProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger('NotificationsProcessor');
  /** Marks of jobs finishing together go in one statement. */
  private readonly sent = new Batcher<string, void>((ids) => this.repository.markSent(ids, this.clock.now()));

  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: NotificationsRepository,
    private readonly renderer: NotificationRendererService,
    private readonly sealer: NotificationSealer,
    private readonly notifications: NotificationsService,
    private readonly clock: Clock,
    @Inject(MAIL_TRANSPORT) private readonly transport: MailTransport,
    @InjectQueue(QUEUES.notifications) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const { sender, sendConcurrency, batchSize } = this.config.notifications;
    if (!sender) return;
    // Jobs at once: enough for sendConcurrency emails in flight, plus one so the next batch is read while one finishes.
    const jobs = Math.ceil(sendConcurrency / batchSize) + 1;
    this.queue
      .process(JOBS.sendNotification, jobs, (job: Job<SendJobData>) => this.send(job))
      .catch((error) => this.logger.error({ err: error }, 'notification sender stopped'));
  }

  async send(job: Job<SendJobData>): Promise<SendOutcome> {
    const { ids, attempt, perEmail } = readSendJob(job.data, job.attemptsMade);
    const rows = await this.repository.findForSending(ids);
    const due = ids
      .map((id) => rows.get(id))
      .filter(
        (row): row is OutboxRow => row !== undefined && row.status !== 'sent' && row.status !== 'failed',
      );
    const outcome: SendOutcome = { sent: 0, skipped: ids.length - due.length, retrying: 0, failed: 0 };
    const errors = await Promise.all(
      due.map((row) =>
        this.deliver(row).then(
          () => undefined,
          (error: unknown) => error ?? new Error('send failed'),
        ),
      ),
    );

    const sent = due.filter((_, i) => errors[i] === undefined).map((row) => row.id);
    if (sent.length) await Promise.all(sent.map((id) => this.sent.load(id)));
    outcome.sent = sent.length;

    const retries: string[] = [];
    let lastError: unknown;
    let permanentOnly = true;
    for (const [i, row] of due.entries()) {
      const error = errors[i];
      if (error === undefined) continue;
      const permanent =
        error instanceof TemplateError || error instanceof SealedFieldError || isPermanentSmtpError(error);
      const final = permanent || attempt >= this.config.notifications.attempts;
      await this.recordFailure(row.id, row.template, describe(error), final);
      if (final) outcome.failed++;
      else retries.push(row.id);
      lastError = error;
      permanentOnly &&= permanent;
    }
    outcome.retrying = retries.length;
    if (lastError === undefined) return outcome;

    if (perEmail) {
      // This job is the email's own: Bull retries it (with backoff) unless the failure is permanent.
      if (permanentOnly) await job.discard();
      throw lastError;
    }
    if (retries.length) {
      await this.queue.addBulk(
        retries.map((id) => ({
          name: JOBS.sendNotification,
          data: { ids: [id], firstAttempt: attempt + 1 } satisfies SendNotificationsJob,
          opts: retryJobOptions(this.config.notifications, id, attempt),
        })),
      );
    }
    return outcome;
  }

  private async deliver(row: OutboxRow): Promise<void> {
    const email = this.renderer.render(row.template, this.sealer.open(row.data));
    await this.transport.sendMail({
      from: this.config.mailFrom,
      to: row.recipient,
      subject: email.subject,
      text: email.text,
      html: email.html,
      messageId: messageIdFor(row.id),
      headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
    });
  }

  private async recordFailure(id: string, template: string, message: string, final: boolean): Promise<void> {
    await inTransaction(this.dataSource, async (manager) => {
      const attempts = await this.repository.recordAttemptFailed(
        manager,
        id,
        message.slice(0, 2000),
        final,
        this.clock.now(),
      );
      if (!final || attempts === undefined) return;
      this.logger.warn({ notificationId: id, template, attempts, error: message }, 'notification failed');
      if (template === DELIVERY_FAILED_TEMPLATE) return;
      const now = this.clock.now();
      await this.notifications.record(manager, {
        template: DELIVERY_FAILED_TEMPLATE,
        to: this.config.teamEmail,
        data: { template, attempts, lastError: message.slice(0, 500) },
        idempotencyKey: `${DELIVERY_FAILED_TEMPLATE}:${now.toISOString().slice(0, 13)}`,
      });
    });
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { responseCode?: number }).responseCode;
    return code && !error.message.includes(String(code)) ? `${code} ${error.message}` : error.message;
  }
  return String(error);
}

/** SMTP 5xx (e.g. 550 mailbox unknown) will not succeed later; 4xx and connection errors may. */
function isPermanentSmtpError(error: unknown): boolean {
  const code = (error as { responseCode?: number } | null)?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}
