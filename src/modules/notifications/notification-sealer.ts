import { Inject, Injectable } from '@nestjs/common';
import { SecretBox } from '../../common/crypto/secret-box.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';

/** Fields of `notifications.data` that are one-time secrets (links' tokens): encrypted at rest, dropped once sent or failed. */
export const SEALED_FIELDS = ['token'] as const;

/** Thrown when a sealed field cannot be opened (the key changed): the email can never be rendered. */
export class SealedFieldError extends Error {}

/**
 * Seals the secret fields of a notification's data before it is written (NOTIFICATIONS_ENCRYPTION_KEY,
 * held outside the database) and opens them just before rendering: the outbox never holds a usable token.
 */
@Injectable()
export class NotificationSealer {
  private readonly box: SecretBox;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.box = new SecretBox(config.notificationsEncryptionKey);
  }

  seal<T>(data: T): T {
    if (!data || typeof data !== 'object') return data;
    const record = data as Record<string, unknown>;
    if (!SEALED_FIELDS.some((f) => typeof record[f] === 'string' && !SecretBox.isSealed(record[f])))
      return data;
    const copy: Record<string, unknown> = { ...record };
    for (const field of SEALED_FIELDS) {
      const value = copy[field];
      if (typeof value === 'string' && !SecretBox.isSealed(value)) copy[field] = this.box.seal(value);
    }
    return copy as T;
  }

  open(data: Record<string, unknown>): Record<string, unknown> {
    if (!data || !SEALED_FIELDS.some((f) => SecretBox.isSealed(data[f]))) return data;
    const copy: Record<string, unknown> = { ...data };
    for (const field of SEALED_FIELDS) {
      const value = copy[field];
      if (!SecretBox.isSealed(value)) continue;
      try {
        copy[field] = this.box.open(value);
      } catch {
        throw new SealedFieldError(
          `the "${field}" of this notification cannot be decrypted (NOTIFICATIONS_ENCRYPTION_KEY changed?)`,
        );
      }
    }
    return copy;
  }
}
