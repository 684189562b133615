import { Inject, Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { generateSecret, generateURI, verify } from 'otplib';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';

export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
export const TOTP_ISSUER = 'MyPatients';

/**
 * TOTP (RFC 6238: SHA-1, 6 digits, 30-second steps, one step of drift either way).
 * Secrets are stored encrypted with AES-256-GCM (`v1:<iv>:<tag>:<ciphertext>`, base64url parts)
 * under a key derived from config.totpEncryptionKey.
 */
@Injectable()
export class TotpService {
  private readonly key: Buffer;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.key = createHash('sha256').update(config.totpEncryptionKey, 'utf8').digest();
  }

  newSecret(): string {
    return generateSecret({ length: 20 });
  }

  uri(secret: string, email: string): string {
    return generateURI({
      issuer: TOTP_ISSUER,
      label: email,
      secret,
      digits: TOTP_DIGITS,
      period: TOTP_PERIOD_SECONDS,
    });
  }

  encrypt(secret: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return [
      'v1',
      iv.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
      ciphertext.toString('base64url'),
    ].join(':');
  }

  decrypt(stored: string): string {
    const [version, iv, tag, ciphertext] = stored.split(':');
    if (version !== 'v1' || !iv || !tag || !ciphertext) throw new Error('unknown TOTP secret format');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  }

  /**
   * Checks a code at `now` (±1 step). Returns the matched time step, or null. Steps at or before
   * `lastStep` are refused, so each step's code works once per account.
   */
  async verify(secret: string, code: string, now: Date, lastStep: number | null): Promise<number | null> {
    if (typeof code !== 'string' || !/^\d{6}$/.test(code)) return null;
    try {
      const result = await verify({
        secret,
        token: code,
        epoch: Math.floor(now.getTime() / 1000),
        period: TOTP_PERIOD_SECONDS,
        digits: TOTP_DIGITS,
        epochTolerance: TOTP_PERIOD_SECONDS,
        ...(lastStep !== null ? { afterTimeStep: lastStep } : {}),
      });
      return result.valid ? (result as { timeStep: number }).timeStep : null;
    } catch {
      return null;
    }
  }
}
