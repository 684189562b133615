import { securityHeaders } from './security-headers.js';

describe('securityHeaders', () => {
  it("gives helmet's defaults: a strict CSP, HSTS, nosniff, SAMEORIGIN framing", () => {
    const headers = securityHeaders();
    expect(headers['content-security-policy']).toContain("default-src 'self'");
    expect(headers['content-security-policy']).toContain("object-src 'none'");
    expect(headers['strict-transport-security']).toMatch(/max-age=\d{7,}/);
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['x-frame-options']).toBe('SAMEORIGIN');
  });

  it('follows the options (a header turned off is absent)', () => {
    const headers = securityHeaders({
      frameguard: false,
      contentSecurityPolicy: { directives: { 'img-src': ["'self'", 'data:'] } },
    });
    expect(headers['x-frame-options']).toBeUndefined();
    expect(headers['content-security-policy']).toContain("img-src 'self' data:");
  });

  it('refuses options helmet refuses, at start rather than per request', () => {
    expect(() =>
      securityHeaders({ contentSecurityPolicy: { directives: { 'default-src': ['self'] } } }),
    ).toThrow();
  });
});
