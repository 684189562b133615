import { cityFromAddress, conflictFromUniqueViolation } from './registration.service.js';

describe('registration rules', () => {
  it('takes the city from a US address, before the state and ZIP', () => {
    expect(cityFromAddress('12 Elm St, Newton, MA 02458')).toBe('Newton');
    expect(cityFromAddress('1 Main St, Boston MA 02115')).toBe('Boston');
    expect(cityFromAddress('1 Main St\nSpringfield')).toBe('Springfield');
    expect(cityFromAddress('1 Main St')).toBeNull();
    expect(cityFromAddress('1 Main St, MA 02115')).toBeNull();
  });

  it('maps a unique violation of each users index to its conflict code, and leaves other errors alone', () => {
    const violation = (constraint: string) =>
      Object.assign(new Error('duplicate key'), { code: '23505', constraint });
    expect(conflictFromUniqueViolation(violation('uq_users_npi'))).toMatchObject({ code: 'npi_taken' });
    expect(conflictFromUniqueViolation(violation('uq_users_email'))).toMatchObject({ code: 'email_taken' });
    expect(conflictFromUniqueViolation(violation('uq_users_hospital_id'))).toMatchObject({
      code: 'hospital_id_taken',
    });
    const other = violation('uq_something_else');
    expect(conflictFromUniqueViolation(other)).toBe(other);
    const notUnique = Object.assign(new Error('boom'), { code: '23503' });
    expect(conflictFromUniqueViolation(notUnique)).toBe(notUnique);
  });
});
