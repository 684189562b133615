import { Writable } from 'node:stream';
import { pino } from 'pino';
import { logsRequests, REDACTED_PATHS, redactUrl } from './logging.module.js';

describe('log redaction', () => {
  it('keeps query keys but drops their values (MRNs, names, dates of birth)', () => {
    expect(redactUrl('/api/v1/patients?lastName=Smith&firstName=Ann&dob=2015-01-02')).toBe(
      '/api/v1/patients?lastName=[Redacted]&firstName=[Redacted]&dob=[Redacted]',
    );
    expect(redactUrl('/api/v1/health')).toBe('/api/v1/health');
  });

  it('drops the MRN from integration paths but keeps patient UUIDs', () => {
    expect(redactUrl('/api/v1/integration/portal/patients/MRN0012345/access-requests?status=pending')).toBe(
      '/api/v1/integration/portal/patients/[Redacted]/access-requests?status=[Redacted]',
    );
    expect(redactUrl('/api/v1/integration/ehr/patients/MRN0012345')).toBe(
      '/api/v1/integration/ehr/patients/[Redacted]',
    );
    const id = '6f1c2a8e-3b4d-4e5f-8a9b-0c1d2e3f4a5b';
    expect(redactUrl(`/api/v1/patients/${id}/documents`)).toBe(`/api/v1/patients/${id}/documents`);
  });

  it('never writes passwords, tokens or patient fields', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const logger = pino({ redact: { paths: REDACTED_PATHS, censor: '[Redacted]' } }, sink);
    logger.info(
      { body: { password: 'hunter2-secret', token: 'tok123', mrn: 'MRN998877', dob: '2015-01-02' } },
      'x',
    );
    logger.info({ req: { headers: { authorization: 'Bearer abc.def.ghi' } } }, 'y');
    const out = lines.join('');
    for (const secret of ['hunter2-secret', 'tok123', 'MRN998877', '2015-01-02', 'abc.def.ghi']) {
      expect(out).not.toContain(secret);
    }
  });
});

describe('request logging', () => {
  it('mounts the per-request logger only at levels that write its info line', () => {
    expect(['trace', 'debug', 'info'].map(logsRequests)).toEqual([true, true, true]);
    expect(['warn', 'error', 'fatal', 'silent'].map(logsRequests)).toEqual([false, false, false, false]);
  });
});
