import { simpleParser } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  headers: Map<string, unknown>;
}

/**
 * An in-process SMTP server the tests read emails from. `refuse(n)` makes it answer the next
 * n messages with a transient error, to test retries.
 */
export class SmtpSink {
  readonly messages: ReceivedMail[] = [];
  private server?: SMTPServer;
  private refusals = 0;
  private refusalCode = 451;
  private waiters: Array<() => void> = [];
  port = 0;

  async start(port = 0): Promise<this> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', async () => {
          if (this.refusals > 0) {
            this.refusals--;
            const error = new Error('Try again later') as Error & { responseCode: number };
            error.responseCode = this.refusalCode;
            return callback(error);
          }
          const parsed = await simpleParser(Buffer.concat(chunks));
          this.messages.push({
            to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : '',
            messageId: parsed.messageId ?? '',
            headers: parsed.headers as Map<string, unknown>,
          });
          callback();
          for (const w of this.waiters.splice(0)) w();
        });
      },
    });
    // A client that dies mid-session (a killed app process) resets its socket: not the sink's error.
    this.server.on('error', () => undefined);
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server!.server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** Answers the next `count` messages with `code` (451: transient, retried; 550: permanent). */
  refuse(count: number, code = 451): void {
    this.refusals = count;
    this.refusalCode = code;
  }

  to(address: string): ReceivedMail[] {
    return this.messages.filter((m) => m.to.includes(address.toLowerCase()));
  }

  /** Waits until a message matching `predicate` has arrived (default: any to `address`). */
  async waitFor(predicate: (m: ReceivedMail) => boolean, timeoutMs = 15000): Promise<ReceivedMail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(predicate);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `no matching email within ${timeoutMs} ms; got ${this.messages.map((m) => `${m.to} "${m.subject}"`).join(', ') || 'none'}`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  waitForTo(address: string, subjectContains?: string, timeoutMs?: number): Promise<ReceivedMail> {
    return this.waitFor(
      (m) =>
        m.to.includes(address.toLowerCase()) && (!subjectContains || m.subject.includes(subjectContains)),
      timeoutMs,
    );
  }

  clear(): void {
    this.messages.length = 0;
  }

  async stop(): Promise<void> {
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}

/** Pulls the token out of a `${PORTAL_URL}/<action>?token=<token>` link in an email. */
export function linkToken(mail: ReceivedMail, action: string): string {
  const match = new RegExp(`/${action}\\?token=([A-Za-z0-9_-]+)`).exec(mail.text);
  if (!match) throw new Error(`no ${action} link in email "${mail.subject}"`);
  return match[1];
}

/**
 * The one-time token an outbox notification carried, read from the email it became (the outbox
 * row forgets the token once sent, so the email is the only place a test can find it). The email
 * is matched by its Message-ID, derived from the notification id.
 */
export async function emailedToken(
  smtp: SmtpSink,
  notificationId: string,
  timeoutMs = 15000,
): Promise<string> {
  const mail = await smtp.waitFor((m) => m.messageId === `<${notificationId}@mypatients>`, timeoutMs);
  const match = /\?token=([A-Za-z0-9_-]+)/.exec(mail.text) ?? /^Token: ([A-Za-z0-9_-]+)/m.exec(mail.text);
  if (!match) throw new Error(`no token in email "${mail.subject}"`);
  return match[1];
}
