import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';
import { badRequest } from '../../common/errors/problem.js';

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;
/** zxcvbn score (0-4) a password must reach. */
export const MIN_PASSWORD_SCORE = 3;

const zxcvbn = new ZxcvbnFactory({
  translations: en.translations,
  graphs: common.adjacencyGraphs,
  dictionary: { ...common.dictionary, ...en.dictionary },
});

/** Why a password is refused, or null when it is acceptable. */
export function passwordProblem(
  password: string,
  context: { email?: string; firstName?: string; lastName?: string } = {},
): string | null {
  if (typeof password !== 'string' || password.length < MIN_PASSWORD_LENGTH) {
    return `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
  }
  if (password.length > MAX_PASSWORD_LENGTH) return `Use at most ${MAX_PASSWORD_LENGTH} characters.`;
  const local = (context.email ?? '').split('@')[0]?.toLowerCase() ?? '';
  if (local.length >= 3 && password.toLowerCase().includes(local)) {
    return 'The password must not contain your email address.';
  }
  const inputs = [local, context.firstName, context.lastName, 'mypatients'].filter((s): s is string => !!s);
  const result = zxcvbn.check(password.slice(0, 100), inputs);
  if (result.score < MIN_PASSWORD_SCORE) {
    const hints = [result.feedback.warning, ...result.feedback.suggestions].filter(Boolean).join(' ');
    return `This password is too easy to guess.${hints ? ` ${hints}` : ''} A few unrelated words make a strong password.`;
  }
  return null;
}

/** Throws 400 `weak_password` when the password does not meet the policy. */
export function assertStrongPassword(
  password: string,
  context: { email?: string; firstName?: string; lastName?: string } = {},
): void {
  const problem = passwordProblem(password, context);
  if (problem) throw badRequest('weak_password', problem);
}
