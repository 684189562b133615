import { SecretBox } from './secret-box.js';

describe('SecretBox', () => {
  const box = new SecretBox('k'.repeat(40));

  it('seals so that the plain text does not appear, and opens it again', () => {
    const sealed = box.seal('Zm9vYmFyEXAMPLEtoken');
    expect(SecretBox.isSealed(sealed)).toBe(true);
    expect(sealed).not.toContain('Zm9vYmFyEXAMPLEtoken');
    expect(box.seal('same')).not.toBe(box.seal('same')); // random IV
    expect(box.open(sealed)).toBe('Zm9vYmFyEXAMPLEtoken');
  });

  it('refuses text sealed under another key or altered', () => {
    const sealed = box.seal('secret');
    expect(() => new SecretBox('other'.repeat(8)).open(sealed)).toThrow();
    expect(() => box.open(`${sealed.slice(0, -2)}AA`)).toThrow();
    expect(() => box.open('secret')).toThrow(/not sealed/);
  });
});
