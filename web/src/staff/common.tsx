import { Alert, Badge, Button, Group, Loader, Modal, Stack, Text } from '@mantine/core';
import { useInfiniteQuery, type QueryKey } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { ApiError } from '../api/problem';
import { useSession } from '../auth/session';
import { ProblemAlert } from '../components/ProblemAlert';
import { humanize } from '../lib/format';
import { rolesOf, type Role } from './sections';

export { allowedSections, CONSOLE_SECTIONS, type ConsoleSection, type Role } from './sections';

/** The staff member's roles (GET /me); none for a non-staff account. */
export function useRoles(): Set<Role> {
  const { me } = useSession();
  return me?.kind === 'staff' ? rolesOf(me.roles) : new Set();
}

interface CursorPage<T> {
  items: T[];
  nextCursor: string | null;
}

/** A list paged with the API's cursor: the pages loaded so far, and "Show more" for the next. */
export function useCursorList<T>(
  key: QueryKey,
  fetchPage: (cursor: string | undefined) => Promise<CursorPage<T>>,
) {
  return useInfiniteQuery({
    queryKey: key,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/** Loading, error, empty and filled states of a cursor list, with its "Show more" button. */
export function CursorList<T>({
  query,
  what,
  empty,
  children,
}: {
  query: ReturnType<typeof useCursorList<T>>;
  what: string;
  empty: string;
  children: (items: T[]) => ReactNode;
}) {
  if (query.isPending) return <Loader size="sm" aria-label={`Loading ${what}`} />;
  if (query.isError) {
    if (query.error instanceof ApiError && query.error.status === 404)
      return (
        <Alert color="gray" role="status">
          {what[0].toUpperCase() + what.slice(1)} are not available yet.
        </Alert>
      );
    return <ProblemAlert error={query.error} title={`Could not load ${what}`} />;
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

/**
 * A destructive or consequential action: the button opens a dialog that says what will happen;
 * only "confirm" there runs it. `children` may hold form fields (a reason).
 */
export function ConfirmAction({
  label,
  title,
  consequence,
  confirmLabel,
  onConfirm,
  pending,
  error,
  color = 'red',
  disabled,
  canConfirm = true,
  children,
  buttonLabel,
}: {
  label: string;
  title: string;
  consequence: ReactNode;
  confirmLabel?: string;
  onConfirm: () => Promise<unknown>;
  pending?: boolean;
  error?: unknown;
  color?: string;
  disabled?: boolean;
  canConfirm?: boolean;
  children?: ReactNode;
  /** Accessible name of the opening button when the label alone is ambiguous. */
  buttonLabel?: string;
}) {
  const [open, setOpen] = useState(false);
  // Shade 9: white on red.8 and red.8 on white miss WCAG AA contrast.
  const tone = color === 'red' ? 'red.9' : color;
  return (
    <>
      <Button
        size="compact-sm"
        variant={color === 'red' ? 'outline' : 'default'}
        color={tone}
        onClick={() => setOpen(true)}
        disabled={disabled}
        aria-label={buttonLabel}
      >
        {label}
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={title}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void onConfirm().then(
              () => setOpen(false),
              () => undefined,
            );
          }}
        >
          <Stack>
            <Text size="sm">{consequence}</Text>
            {children}
            <ProblemAlert error={error} title="Not done" />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setOpen(false)}>
                Cancel
              </Button>
              <Button type="submit" color={tone} loading={pending} disabled={!canConfirm}>
                {confirmLabel ?? label}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}

const STATUS_COLOR: Record<string, string> = {
  open: 'blue',
  in_progress: 'violet',
  completed: 'green',
  active: 'green',
  sent: 'green',
  succeeded: 'green',
  resolved: 'green',
  rejected: 'gray',
  withdrawn: 'gray',
  deactivated: 'gray',
  cancelled: 'gray',
  closed: 'gray',
  failed: 'red',
  locked: 'red',
  overdue: 'red',
};

export function StatusBadge({ status }: { status: string }) {
  return (
    // Coloured border, dark text: the light and outline variants' coloured text misses WCAG AA contrast.
    <Badge
      color={`${STATUS_COLOR[status] ?? 'blue'}.8`}
      variant="outline"
      styles={{ label: { color: 'var(--mantine-color-dark-9)' } }}
    >
      {humanize(status)}
    </Badge>
  );
}

/** Today's hospital date (America/New_York), `YYYY-MM-DD`. */
export function hospitalToday(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: 'America/New_York',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

/** "3 h 20 min left", "2 days left", "late by 5 h" — the time to a deadline. */
export function timeLeft(dueAt: string, now = Date.now()): string {
  const ms = new Date(dueAt).getTime() - now;
  const abs = Math.abs(ms);
  const minutes = Math.round(abs / 60_000);
  const hours = Math.floor(minutes / 60);
  const days = Math.floor(hours / 24);
  const text = days >= 2 ? `${days} days` : hours >= 1 ? `${hours} h ${minutes % 60} min` : `${minutes} min`;
  return ms >= 0 ? `${text} left` : `late by ${text}`;
}
