import { Button, Group, Loader, Stack, Text } from '@mantine/core';
import {
  useInfiniteQuery,
  type InfiniteData,
  type QueryKey,
  type UseInfiniteQueryResult,
  type UseQueryResult,
} from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ProblemAlert } from './ProblemAlert';

/** One page of a list route (API.md: `{ items, nextCursor }`). */
export interface CursorPage<T> {
  items: T[];
  nextCursor?: string | null;
}

/** A list paged with the API's cursor: the pages loaded so far, and `fetchNextPage` for the next. */
export function useCursorList<T>(
  key: QueryKey,
  fetchPage: (cursor: string | undefined) => Promise<CursorPage<T>>,
  options: { enabled?: boolean } = {},
): UseInfiniteQueryResult<InfiniteData<CursorPage<T>>> {
  return useInfiniteQuery({
    queryKey: key,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: options.enabled,
  });
}

/** What `ListState` shows: a cursor list (`useCursorList`), or a plain query whose data is the items. */
export type ListQuery<T> = UseInfiniteQueryResult<InfiniteData<CursorPage<T>>> | UseQueryResult<T[]>;

function isCursorList<T>(query: ListQuery<T>): query is UseInfiniteQueryResult<InfiniteData<CursorPage<T>>> {
  return 'fetchNextPage' in query;
}

/**
 * The one list component of the app (portal and console): loading, error, empty and filled states,
 * and for a cursor list the "Show more …" button while the API has a next page.
 */
export function ListState<T>({
  query,
  empty,
  what,
  children,
}: {
  query: ListQuery<T>;
  /** Said when there is nothing to list. */
  empty: string;
  /** The things listed, in lower case: "Loading {what}", "Could not load {what}", "Show more {what}". */
  what: string;
  children: (items: T[]) => ReactNode;
}) {
  if (query.isPending) return <Loader size="sm" aria-label={`Loading ${what}`} />;
  if (query.isError) return <ProblemAlert error={query.error} title={`Could not load ${what}`} />;
  if (!isCursorList(query)) {
    if (query.data.length === 0) return <Text>{empty}</Text>;
    return <>{children(query.data)}</>;
  }
  const items = query.data.pages.flatMap((p) => p.items);
  if (items.length === 0) return <Text>{empty}</Text>;
  return (
    <Stack gap="sm">
      {children(items)}
      {query.hasNextPage && (
        <Group>
          <Button
            variant="default"
            onClick={() => void query.fetchNextPage()}
            loading={query.isFetchingNextPage}
          >
            Show more {what}
          </Button>
        </Group>
      )}
    </Stack>
  );
}

export function itemsOf<T>(data: { items: T[] } | T[]): T[] {
  return Array.isArray(data) ? data : data.items;
}
