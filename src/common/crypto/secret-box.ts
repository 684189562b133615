import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const PREFIX = 'sealed:v1:';

/**
 * Authenticated encryption of short secrets at rest (AES-256-GCM, random 96-bit IV), under a key
 * held outside the database (configuration): a copy of the database alone does not reveal them.
 * Sealed text is `sealed:v1:<base64url(iv | tag | ciphertext)>`.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(secret: string) {
    // Any configured string (≥ 32 characters) becomes a 256-bit key.
    this.key = createHash('sha256').update(`mypatients-secret-box:${secret}`, 'utf8').digest();
  }

  static isSealed(value: unknown): value is string {
    return typeof value === 'string' && value.startsWith(PREFIX);
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  /** The plain text; throws when the text was sealed under another key or altered. */
  open(sealed: string): string {
    if (!SecretBox.isSealed(sealed)) throw new Error('not sealed');
    const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }
}
