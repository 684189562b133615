import pg from 'pg';
import { QueryFailedError } from 'typeorm';
import { loggableError, ProblemFilter } from './problem.filter.js';

describe('ProblemFilter', () => {
  const filter = new ProblemFilter();
  const dbError = () => {
    const driverError = Object.assign(
      new Error('duplicate key value violates unique constraint "uq_patients_mrn"'),
      {
        code: '23505',
        detail: 'Key (mrn)=(MRN0012345) already exists.',
        constraint: 'uq_patients_mrn',
        table: 'patients',
      },
    );
    return new QueryFailedError(
      'INSERT INTO patients (mrn, first_name) VALUES ($1, $2)',
      ['MRN0012345', 'Avery'],
      driverError,
    );
  };

  it('logs a database error without its SQL, parameters or detail (patient data)', () => {
    const logged = JSON.stringify(loggableError(dbError()));
    for (const leak of ['MRN0012345', 'Avery', 'INSERT INTO', 'already exists'])
      expect(logged).not.toContain(leak);
    expect(logged).toContain('23505');
    expect(logged).toContain('uq_patients_mrn');
  });

  it('answers database errors without SQL or values', () => {
    const { body } = filter.toProblem(dbError());
    expect(body).toMatchObject({ status: 409, code: 'conflict' });
    expect(JSON.stringify(body)).not.toMatch(/MRN0012345|INSERT|uq_patients_mrn/);
    const unexpected = filter.toProblem(new TypeError("Cannot read properties of undefined (reading 'id')"));
    expect(unexpected.body).toEqual({
      status: 500,
      title: 'Internal Server Error',
      detail: 'Something went wrong on our side.',
      code: 'internal_error',
    });
  });

  it('treats errors straight from pg (prepared statements) like TypeORM-wrapped ones', () => {
    const nul = new pg.DatabaseError('invalid byte sequence for encoding "UTF8": 0x00', 0, 'error');
    nul.code = '22021';
    expect(filter.toProblem(nul).body).toMatchObject({ status: 400, code: 'invalid_input' });
    const unique = new pg.DatabaseError('duplicate key value violates unique constraint', 0, 'error');
    unique.code = '23505';
    unique.detail = 'Key (mrn)=(MRN0012345) already exists.';
    expect(filter.toProblem(unique).body).toMatchObject({ status: 409, code: 'conflict' });
    expect(JSON.stringify(loggableError(unique))).not.toContain('MRN0012345');
  });

  it('logs a 5xx with the redacted URL, never the raw path (integration paths carry MRNs)', () => {
    const logged: unknown[] = [];
    const logging = new ProblemFilter();
    (logging as unknown as { logger: { error: (...args: unknown[]) => void } }).logger.error = (
      ...args: unknown[]
    ) => logged.push(args);
    const url = '/api/v1/integration/portal/patients/MRN0012345/care-team?dob=2019-01-02';
    const req = { method: 'PUT', path: url.split('?')[0], url, originalUrl: url };
    // A Fastify reply.
    const res = {
      sent: false,
      raw: { headersSent: false },
      headers: () => res,
      code: () => res,
      type: () => res,
      send: () => res,
    };
    const host = { switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }) };
    logging.catch(new Error('boom'), host as never);
    expect(logged).toHaveLength(1);
    const text = JSON.stringify(logged);
    expect(text).not.toContain('MRN0012345');
    expect(text).not.toContain('2019-01-02');
    expect(text).toContain('/api/v1/integration/portal/patients/[Redacted]/care-team?dob=[Redacted]');
  });
});
