import { decodeScreenshot, isBase64, MAX_SCREENSHOT_BYTES } from './screenshot.js';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('screenshot decoding', () => {
  it('recognises base64 with and without padding', () => {
    expect(isBase64('QUJD')).toBe(true);
    expect(isBase64('QUI=')).toBe(true);
    expect(isBase64('QQ==')).toBe(true);
    expect(isBase64('')).toBe(false);
    expect(isBase64('==')).toBe(false);
    expect(isBase64('QU*D')).toBe(false);
    expect(isBase64('Q=UI')).toBe(false);
  });

  it('refuses a screenshot over 5 MiB with a 400 problem, not a stack overflow', () => {
    const big = Buffer.concat([PNG, Buffer.alloc(MAX_SCREENSHOT_BYTES, 1)]).toString('base64');
    // Deep in a call stack: the check must not depend on stack depth (a regex over 7 MB overflowed V8's stack in a full test run).
    const deep = (n: number): unknown => (n === 0 ? decodeScreenshot(big) : deep(n - 1));
    expect(() => deep(2000)).toThrow(expect.objectContaining({ code: 'screenshot_too_large' }));
  });

  it('accepts a PNG under the limit, with a data: URL prefix', () => {
    const small = Buffer.concat([PNG, Buffer.alloc(1000, 7)]);
    expect(decodeScreenshot(`data:image/png;base64,${small.toString('base64')}`)).toMatchObject({
      type: 'image/png',
    });
  });
});
