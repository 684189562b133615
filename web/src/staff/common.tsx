import { Badge } from '@mantine/core';
import { useSession } from '../auth/session';
import { humanize } from '../lib/format';
import { rolesOf, type Role } from './sections';

export { allowedSections, CONSOLE_SECTIONS, type ConsoleSection, type Role } from './sections';

/** The staff member's roles (GET /me); none for a non-staff account. */
export function useRoles(): Set<Role> {
  const { me } = useSession();
  return me?.kind === 'staff' ? rolesOf(me.roles) : new Set();
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
  revoked: 'gray',
  expired: 'gray',
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
