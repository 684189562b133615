const dateFmt = new Intl.DateTimeFormat('en-US', {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  timeZone: 'UTC',
});
const instantFmt = new Intl.DateTimeFormat('en-US', {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  timeZone: 'America/New_York',
  timeZoneName: 'short',
});

/** `YYYY-MM-DD` → "Mar 4, 2015" (a calendar date: no time zone shift). */
export function formatDate(value: string | null | undefined): string {
  if (!value) return '—';
  const d = new Date(`${value.slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? value : dateFmt.format(d);
}

/** An instant, shown in hospital time. */
export function formatInstant(value: string | null | undefined): string {
  if (!value) return '—';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : instantFmt.format(d);
}

export const BASIS_LABEL: Record<string, string> = {
  pcp_practice: 'Your practice is the PCP practice',
  care_team: 'You are on the care team',
  approved_request: 'Access approved by the family',
  token: 'Invitation token',
};

export function humanize(value: string): string {
  return value.replace(/_/g, ' ').replace(/^\w/, (c) => c.toUpperCase());
}
