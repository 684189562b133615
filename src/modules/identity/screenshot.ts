import { badRequest } from '../../common/errors/problem.js';

export const MAX_SCREENSHOT_BYTES = 5 * 1024 * 1024;

export type ScreenshotType = 'image/png' | 'image/jpeg';

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Standard base64 (padding optional). A loop, not a regular expression: V8's regex engine can
 * overflow its stack on a multi-megabyte input, which would turn a bad upload into a 500.
 */
export function isBase64(value: string): boolean {
  let end = value.length;
  if (end > 0 && value.charCodeAt(end - 1) === 61) end--; // '='
  if (end > 0 && value.charCodeAt(end - 1) === 61) end--;
  if (end === 0) return false;
  for (let i = 0; i < end; i++) {
    const c = value.charCodeAt(i);
    const ok =
      (c >= 65 && c <= 90) ||
      (c >= 97 && c <= 122) ||
      (c >= 48 && c <= 57) ||
      c === 43 /* + */ ||
      c === 47; /* / */
    if (!ok) return false;
  }
  return true;
}

/** Decodes a base64 PNG/JPEG screenshot (a `data:` URL prefix is accepted) and checks its magic bytes. */
export function decodeScreenshot(input: string): { bytes: Buffer; type: ScreenshotType } {
  const match = /^data:image\/(png|jpeg|jpg);base64,/i.exec(input);
  const base64 = (match ? input.slice(match[0].length) : input).replace(/\s+/g, '');
  if (!isBase64(base64) || base64.length % 4 === 1) {
    throw badRequest('invalid_screenshot', 'The screenshot must be a base64-encoded PNG or JPEG image.');
  }
  // Refuse by the encoded length first: no 7 MB buffer is allocated for an upload that is too large.
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  if (Math.floor((base64.length * 3) / 4) - padding > MAX_SCREENSHOT_BYTES) throw tooLarge();
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length > MAX_SCREENSHOT_BYTES) throw tooLarge();
  const png = bytes.length >= 8 && bytes.subarray(0, 8).equals(PNG_MAGIC);
  const jpeg = bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  if (!png && !jpeg) throw badRequest('invalid_screenshot', 'The screenshot must be a PNG or JPEG image.');
  return { bytes, type: png ? 'image/png' : 'image/jpeg' };
}

const tooLarge = () => badRequest('screenshot_too_large', 'The screenshot must be at most 5 MiB.');
