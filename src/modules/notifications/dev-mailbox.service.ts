import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { SendMailOptions } from 'nodemailer';
import { notFound } from '../../common/errors/problem.js';
import { Clock } from '../../common/time/clock.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import type { MailTransport } from './mail-transport.js';

/** One captured email, as GET /api/v1/dev/mailbox lists it. */
export interface CapturedMail {
  id: string;
  at: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** The http(s) links of the text body, in order, once each (the `${PORTAL_URL}/<action>?token=` links). */
  links: string[];
}

/** Only the last messages are kept: a development process runs for days. */
export const DEV_MAILBOX_CAPACITY = 200;

const LINK = /https?:\/\/[^\s<>"')]+/g;

/** Nodemailer's address forms (a string, `{ name, address }`, lists of either) as plain addresses. */
function addresses(value: unknown): string[] {
  if (!value) return [];
  if (Array.isArray(value)) return value.flatMap(addresses);
  if (typeof value === 'string')
    return value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  const address = (value as { address?: unknown }).address;
  return typeof address === 'string' ? [address] : [];
}

const body = (value: SendMailOptions['text']): string =>
  typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('utf8') : '';

/**
 * The development mailbox: in development without SMTP_URL (`config.devMailbox`) the sender's transport
 * is this in-memory store, so a newcomer can open the verification link without a mail server. Tokens stay
 * sealed in the outbox until render as always; only the rendered email (what a mail server would get) is here.
 * Everywhere else it is off and its route answers 404.
 */
@Injectable()
export class DevMailboxService implements MailTransport {
  readonly enabled: boolean;
  private readonly mail: CapturedMail[] = [];

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.enabled = config.devMailbox;
  }

  sendMail(message: SendMailOptions): Promise<{ messageId?: string; response?: string }> {
    const text = body(message.text);
    this.mail.push({
      id: randomUUID(),
      at: this.clock.now().toISOString(),
      from: addresses(message.from).join(', '),
      to: addresses(message.to),
      subject: message.subject ?? '',
      text,
      html: body(message.html),
      // A sentence's closing punctuation is not part of its link.
      links: [...new Set((text.match(LINK) ?? []).map((link) => link.replace(/[.,;:!?]+$/, '')))],
    });
    if (this.mail.length > DEV_MAILBOX_CAPACITY) this.mail.splice(0, this.mail.length - DEV_MAILBOX_CAPACITY);
    return Promise.resolve({
      messageId: message.messageId,
      response: '250 captured by the development mailbox',
    });
  }

  close(): void {
    // nothing to release
  }

  /** Oldest first; 404 when the mailbox is off (production, test, or SMTP_URL set). */
  list(): { items: CapturedMail[] } {
    if (!this.enabled) throw notFound();
    return { items: [...this.mail] };
  }
}
