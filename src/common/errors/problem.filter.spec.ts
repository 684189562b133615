import { QueryFailedError } from 'typeorm';
import { loggableError, ProblemFilter } from './problem.filter.js';

describe('ProblemFilter', () => {
  const filter = new ProblemFilter();
  const dbError = () => {
    const driverError = Object.assign(new Error('duplicate key value violates unique constraint "uq_patients_mrn"'), {
      code: '23505',
      detail: 'Key (mrn)=(MRN0012345) already exists.',
      constraint: 'uq_patients_mrn',
      table: 'patients',
    });
    return new QueryFailedError('INSERT INTO patients (mrn, first_name) VALUES ($1, $2)', ['MRN0012345', 'Avery'], driverError);
  };

  it('logs a database error without its SQL, parameters or detail (patient data)', () => {
    const logged = JSON.stringify(loggableError(dbError()));
    for (const leak of ['MRN0012345', 'Avery', 'INSERT INTO', 'already exists']) expect(logged).not.toContain(leak);
    expect(logged).toContain('23505');
    expect(logged).toContain('uq_patients_mrn');
  });

  it('answers database errors without SQL or values', () => {
    const { body } = filter.toProblem(dbError());
    expect(body).toMatchObject({ status: 409, code: 'conflict' });
    expect(JSON.stringify(body)).not.toMatch(/MRN0012345|INSERT|uq_patients_mrn/);
    const unexpected = filter.toProblem(new TypeError("Cannot read properties of undefined (reading 'id')"));
    expect(unexpected.body).toEqual({ status: 500, title: 'Internal Server Error', detail: 'Something went wrong on our side.', code: 'internal_error' });
  });
});
