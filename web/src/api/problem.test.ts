import { describe, expect, it } from 'vitest';
import { ApiError, messageFor, toApiError } from './problem';

describe('ApiError', () => {
  it('maps problem+json errors[] to one message per field', () => {
    const e = new ApiError({
      status: 400,
      code: 'validation_failed',
      title: 'Bad Request',
      errors: [
        { field: 'email', message: 'email must be an email' },
        { field: 'email', message: 'second message' },
        { field: 'newPractice.phone', message: 'phone is required' },
      ],
    });
    expect(e.fieldErrors).toEqual({
      email: 'email must be an email',
      'newPractice.phone': 'phone is required',
    });
    expect(e.code).toBe('validation_failed');
  });
  it('gives plain-language messages for contract codes and the detail otherwise', () => {
    expect(messageFor(new ApiError({ status: 401, code: 'invalid_credentials' }))).toMatch(
      /email or password/,
    );
    expect(messageFor(new ApiError({ status: 409, code: 'something_new', detail: 'Server says why.' }))).toBe(
      'Server says why.',
    );
  });
  it('turns a network failure into a status-0 error', () => {
    const e = toApiError(new TypeError('Failed to fetch'));
    expect(e.status).toBe(0);
    expect(messageFor(e)).toMatch(/could not be reached/);
  });
});
