import Handlebars from 'handlebars';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const GLOBALS = {
  portalUrl: 'https://portal.test',
  teamEmail: 'team@mypatients.test',
  teamPhone: '617-555-0199',
};
const TEMPLATES = [
  'invitation-token',
  'access-request-approved',
  'access-request-denied',
  'access-request-expired',
];

function render(name: string, part: 'subject' | 'text' | 'html', data: Record<string, unknown>): string {
  const source = readFileSync(join(process.cwd(), 'templates', `${name}.${part}.hbs`), 'utf8');
  return Handlebars.compile(source, { strict: true })({ ...GLOBALS, ...data });
}

describe('templates of access requests and invitations', () => {
  it.each(TEMPLATES)('%s renders in strict mode with its sample data', (name) => {
    const sample = JSON.parse(readFileSync(join(process.cwd(), 'templates', `${name}.sample.json`), 'utf8'));
    for (const part of ['subject', 'text', 'html'] as const)
      expect(render(name, part, sample).trim().length).toBeGreaterThan(10);
  });

  it('the invitation carries the line "Token: <token>" and nothing that names a patient', () => {
    const token = 'q3Xr0bWvY8mN2kLpT5sJ7hGfD1cA9eZuIoK4wQxV6yB';
    const text = render('invitation-token', 'text', {
      token,
      invitedBy: 'The MyPatients team',
      validThrough: '2027-05-16',
    });
    expect(text.split('\n')).toContain(`Token: ${token}`);
    expect(
      render('invitation-token', 'html', { token, invitedBy: 'x', validThrough: '2027-05-16' }),
    ).toContain(`Token: ${token}`);
    expect(text).not.toMatch(/\{\{|mrn:|date of birth/i);
  });

  it('fails loudly when data is missing (strict mode), so no email goes out half-filled', () => {
    expect(() => render('access-request-approved', 'text', { firstName: 'A' })).toThrow();
  });
});
