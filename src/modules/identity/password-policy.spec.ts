import { passwordProblem } from './password-policy.js';

describe('password policy', () => {
  it('refuses passwords shorter than 12 characters', () => {
    expect(passwordProblem('Xk9#mP2$vQ7')).toMatch(/12 characters/);
  });
  it('refuses long but guessable passwords', () => {
    expect(passwordProblem('passwordpassword')).toMatch(/easy to guess/);
    expect(passwordProblem('123456789012')).toMatch(/easy to guess/);
  });
  it('refuses a password containing the email local part', () => {
    expect(passwordProblem('zebra-dr.jane.doe-orbit-41', { email: 'Dr.Jane.Doe@example.com' })).toMatch(
      /email/,
    );
  });
  it('accepts a passphrase of unrelated words', () => {
    expect(passwordProblem('correct horse battery staple 42', { email: 'x@example.com' })).toBeNull();
  });
});
