import { Process, Processor } from '@nestjs/bull';
import { Inject, Logger } from '@nestjs/common';
import type { Job } from 'bull';
import { DataSource } from 'typeorm';
import { JOBS, QUEUES } from '../../common/queue/queues.js';
import { Clock } from '../../common/time/clock.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { Batcher } from './batcher.js';
import { MAIL_TRANSPORT, messageIdFor, type MailTransport } from './mail-transport.js';
import { NotificationsRepository, type OutboxRow } from './notifications.repository.js';
import type { SendNotificationJob } from './notifications.relay.js';
import { NotificationsService } from './notifications.service.js';
import { NotificationRendererService } from './notification-renderer.service.js';
import { NotificationSealer, SealedFieldError } from './notification-sealer.js';
import type { TemplateName } from './template-registry.js';
import { TemplateError } from './template-renderer.js';

/** Emails sent at once by one instance (SMTP pool of 10 connections); 32 measured best (bench/notifications.mjs: 16 → 196/s, 32 → 262/s, 64 → 243/s). */
export const SEND_CONCURRENCY = 32;
/** The team is told of final failures at most once an hour (idempotency key per hour). */
export const DELIVERY_FAILED_TEMPLATE = 'delivery-failed' satisfies TemplateName;

export type SendOutcome = 'sent' | 'already-sent' | 'gone';

/**
 * Sends one notification: render, send over SMTP with a Message-ID derived from its id, mark it
 * `sent`. A failed attempt is counted with its error and rethrown, so Bull retries it with
 * exponential backoff; after the last attempt, or at once for a permanent failure (a template
 * that cannot render, an SMTP 5xx), it is `failed` and the team is told (at most once an hour).
 * The row is marked after the server accepted the message: a crash in between sends it again
 * with the same Message-ID (at least once, never lost).
 */
@Processor(QUEUES.notifications)
export class NotificationsProcessor {
  private readonly logger = new Logger('NotificationsProcessor');
  /** Jobs running together read their rows in one query and are marked sent in one statement. */
  private readonly rows = new Batcher<string, OutboxRow | undefined>((ids) => this.repository.findForSending(ids));
  private readonly sent = new Batcher<string, void>((ids) => this.repository.markSent(ids, this.clock.now()));

  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: NotificationsRepository,
    private readonly renderer: NotificationRendererService,
    private readonly sealer: NotificationSealer,
    private readonly notifications: NotificationsService,
    private readonly clock: Clock,
    @Inject(MAIL_TRANSPORT) private readonly transport: MailTransport,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Process({ name: JOBS.sendNotification, concurrency: SEND_CONCURRENCY })
  async send(job: Job<SendNotificationJob>): Promise<SendOutcome> {
    const { id } = job.data;
    const row = await this.rows.load(id);
    if (!row) return 'gone';
    if (row.status === 'sent') return 'already-sent';

    try {
      const email = this.renderer.render(row.template, this.sealer.open(row.data));
      await this.transport.sendMail({
        from: this.config.mailFrom,
        to: row.recipient,
        subject: email.subject,
        text: email.text,
        html: email.html,
        messageId: messageIdFor(id),
        headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
      });
    } catch (error) {
      const permanent = error instanceof TemplateError || error instanceof SealedFieldError || isPermanentSmtpError(error);
      const final = permanent || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      await this.recordFailure(id, row.template, describe(error), final);
      if (permanent) await job.discard();
      throw error;
    }

    await this.sent.load(id);
    return 'sent';
  }

  private async recordFailure(id: string, template: string, message: string, final: boolean): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const attempts = await this.repository.recordAttemptFailed(manager, id, message.slice(0, 2000), final, this.clock.now());
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
