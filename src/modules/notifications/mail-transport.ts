import nodemailer, { type SendMailOptions, type TransportOptions } from 'nodemailer';
import type { AppConfig } from '../../config/app-config.js';

/** What the sender needs of nodemailer; a provider so tests can wrap it (e.g. to crash after a send). */
export interface MailTransport {
  sendMail(message: SendMailOptions): Promise<{ messageId?: string; response?: string }>;
  close(): void;
}

export const MAIL_TRANSPORT = Symbol('MAIL_TRANSPORT');

/**
 * Pooled SMTP over `SMTP_URL` (SMTP_POOL_SIZE connections), with timeouts short enough that a dead server fails an attempt rather than hangs it;
 * in development without SMTP_URL, the in-process development mailbox (dev-mailbox.service.ts) instead.
 */
export function createMailTransport(config: AppConfig, devMailbox?: MailTransport): MailTransport {
  if (config.devMailbox && devMailbox) return devMailbox;
  return nodemailer.createTransport({
    url: config.smtpUrl,
    pool: true,
    maxConnections: config.notifications.smtpPoolSize,
    maxMessages: 500,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  } as TransportOptions) as unknown as MailTransport;
}

/** `<notification-id@mypatients>`: the same notification always carries the same Message-ID, so a duplicate is recognisable. */
export const messageIdFor = (notificationId: string) => `<${notificationId}@mypatients>`;
