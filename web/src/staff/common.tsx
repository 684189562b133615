import { Alert, Badge, Button, Group, Loader, Modal, Stack, Text } from '@mantine/core';
import { useInfiniteQuery, type QueryKey } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { ApiError } from '../api/problem';
import { useSession } from '../auth/session';
import { ProblemAlert } from '../components/ProblemAlert';
import { humanize } from '../lib/format';

export type Role = 'team' | 'privacy' | 'admin';

/** The staff member's roles (GET /me); a staff account without any is treated as `team` (v1). */
export function useRoles(): Set<Role> {
  const { me } = useSession();
  if (me?.kind !== 'staff') return new Set();
  const roles = (me.roles ?? ['team']) as Role[];
  return new Set(roles.length ? roles : ['team']);
}

export interface ConsoleSection {
  to: string;
  label: string;
  roles: Role[];
}

/** Every console page and the roles that may open it (the navigation shows only these). */
export const CONSOLE_SECTIONS: ConsoleSection[] = [
  { to: '/staff', label: 'Today', roles: ['team'] },
  { to: '/staff/registrations', label: 'Registrations', roles: ['team'] },
  { to: '/staff/pcp-updates', label: 'PCP updates', roles: ['team'] },
  { to: '/staff/users', label: 'Users', roles: ['team', 'admin'] },
  { to: '/staff/invitations', label: 'Invitations', roles: ['team'] },
  { to: '/staff/help-desk', label: 'Help desk', roles: ['team'] },
  { to: '/staff/practice-changes', label: 'Practice changes', roles: ['team'] },
  { to: '/staff/validations', label: 'Validations', roles: ['team'] },
  { to: '/staff/email-jobs', label: 'Email and jobs', roles: ['team'] },
  { to: '/staff/privacy', label: 'Privacy', roles: ['privacy'] },
];

export function allowedSections(roles: Set<Role>): ConsoleSection[] {
  return CONSOLE_SECTIONS.filter((s) => s.roles.some((r) => roles.has(r)));
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
  return (
    <>
      <Button
        size="compact-sm"
        variant={color === 'red' ? 'outline' : 'default'}
        color={color}
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
              <Button type="submit" color={color} loading={pending} disabled={!canConfirm}>
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
    <Badge color={STATUS_COLOR[status] ?? 'blue'} variant="light" autoContrast>
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
