import { Alert, Loader, Text } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ApiError } from '../api/problem';
import { ProblemAlert } from './ProblemAlert';

/** Loading, error (a route the server does not have yet included), empty and filled states of a list. */
export function ListState<T>({
  query,
  empty,
  what,
  children,
}: {
  query: UseQueryResult<T[]>;
  empty: string;
  what: string;
  children: (items: T[]) => ReactNode;
}) {
  if (query.isPending) return <Loader size="sm" aria-label={`Loading ${what}`} />;
  if (query.isError) {
    if (
      query.error instanceof ApiError &&
      query.error.status === 404 &&
      query.error.code !== 'not_found_item'
    )
      return (
        <Alert color="gray" role="status">
          {what[0].toUpperCase() + what.slice(1)} are not available yet.
        </Alert>
      );
    return <ProblemAlert error={query.error} title={`Could not load ${what}`} />;
  }
  if (query.data.length === 0) return <Text>{empty}</Text>;
  return <>{children(query.data)}</>;
}

export function itemsOf<T>(data: { items: T[] } | T[]): T[] {
  return Array.isArray(data) ? data : data.items;
}
