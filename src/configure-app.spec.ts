import express from 'express';
import { trustProxySetting } from './configure-app.js';

describe('trustProxySetting (TRUST_PROXY, issue 18 item 7)', () => {
  it('defaults to loopback and passes address lists through', () => {
    expect(trustProxySetting(undefined)).toBe('loopback');
    expect(trustProxySetting(' ')).toBe('loopback');
    expect(trustProxySetting('10.0.0.0/8, loopback')).toBe('10.0.0.0/8, loopback');
  });

  it('reads a hop count as a number (Express takes the string "1" for the address 0.0.0.1: behind a load balancer every client would share its address)', () => {
    expect(trustProxySetting('1')).toBe(1);
    expect(trustProxySetting('2')).toBe(2);
    const app = express();
    app.set('trust proxy', trustProxySetting('1'));
    expect(typeof app.get('trust proxy fn')).toBe('function');
    expect((app.get('trust proxy fn') as (addr: string, i: number) => boolean)('10.9.9.9', 0)).toBe(true);
    app.set('trust proxy', '1');
    expect((app.get('trust proxy fn') as (addr: string, i: number) => boolean)('10.9.9.9', 0)).toBe(false);
  });

  it('refuses to trust every hop: any client could choose its address and escape the per-address throttles', () => {
    for (const value of ['true', 'TRUE', '*']) expect(() => trustProxySetting(value)).toThrow(/TRUST_PROXY/);
  });
});
