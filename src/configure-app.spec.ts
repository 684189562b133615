import Fastify from 'fastify';
import { trustProxyOption, trustProxySetting } from './configure-app.js';

describe('trustProxySetting (TRUST_PROXY, issue 18 item 7)', () => {
  it('defaults to loopback and passes address lists through', () => {
    expect(trustProxySetting(undefined)).toBe('loopback');
    expect(trustProxySetting(' ')).toBe('loopback');
    expect(trustProxySetting('10.0.0.0/8, loopback')).toBe('10.0.0.0/8, loopback');
  });

  it('reads a hop count as a number (the string "1" would be the address 0.0.0.1: behind a load balancer every client would share its address)', async () => {
    expect(trustProxySetting('1')).toBe(1);
    expect(trustProxySetting('2')).toBe(2);
    const clientIp = async (raw: string | undefined) => {
      const app = Fastify({ trustProxy: trustProxyOption(raw) });
      app.get('/', (req) => ({ ip: req.ip }));
      const res = await app.inject({
        url: '/',
        remoteAddress: '10.0.0.2',
        headers: { 'x-forwarded-for': '203.0.113.7' },
      });
      await app.close();
      return (res.json() as { ip: string }).ip;
    };
    // Fastify 5 reads a bare number as "trust nothing": the hop count must reach it as a function.
    expect(await clientIp('1')).toBe('203.0.113.7');
    expect(await clientIp('2')).toBe('203.0.113.7');
    expect(await clientIp(undefined)).toBe('10.0.0.2'); // loopback only: this hop is not trusted
    expect(await clientIp('10.0.0.0/8')).toBe('203.0.113.7');
  });

  it('refuses to trust every hop: any client could choose its address and escape the per-address throttles', () => {
    for (const value of ['true', 'TRUE', '*']) expect(() => trustProxySetting(value)).toThrow(/TRUST_PROXY/);
  });
});
