import { Alert } from '@mantine/core';
import { ApiError, messageFor, toApiError } from '../api/problem';

/** The page-level part of an error: its message (field errors are shown beside their fields). */
export function ProblemAlert({ error, title = 'Something went wrong' }: { error: unknown; title?: string }) {
  if (!error) return null;
  const e = error instanceof ApiError ? error : toApiError(error);
  return (
    <Alert color="red" title={title} role="alert">
      {Object.keys(e.fieldErrors).length > 0 && e.code === 'validation_failed'
        ? 'Check the highlighted fields.'
        : messageFor(e)}
    </Alert>
  );
}

export function fieldErrorsOf(error: unknown): Record<string, string> {
  return error instanceof ApiError ? error.fieldErrors : {};
}
