import { Anchor, Card, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, call } from '../../api/client';
import { useTitle } from '../../lib/useTitle';
import { hospitalToday, useRoles } from '../../staff/common';

interface Counted {
  items: { dueAt?: string; overdue?: boolean }[];
  nextCursor: string | null;
}

/** Counts of one list (up to 200, "200+" beyond: the API has no count endpoint). */
function useCount(key: string, fetch: () => Promise<Counted>, enabled = true) {
  return useQuery({ queryKey: ['staff', 'today', key], queryFn: fetch, refetchInterval: 60_000, enabled });
}

function Tile({
  label,
  to,
  query,
  pick,
}: {
  label: string;
  to: string;
  query: ReturnType<typeof useCount>;
  pick?: (c: Counted) => number;
}) {
  let value: string;
  if (query.isPending) value = '…';
  else if (query.isError) value = '—';
  else {
    const n = pick ? pick(query.data) : query.data.items.length;
    value = query.data.nextCursor && !pick ? `${n}+` : String(n);
  }
  return (
    <Card withBorder component="li">
      <Anchor component={Link} to={to} underline="never">
        <Text fz={32} fw={700} lh={1.1}>
          {value}
        </Text>
        <Text>{label}</Text>
      </Anchor>
    </Card>
  );
}

export default function TodayPage() {
  useTitle('Today');
  const roles = useRoles();
  const today = hospitalToday();
  const limit = 200;
  const registrations = useCount('registrations', () =>
    call<Counted>(
      api.GET('/api/v1/staff/registrations', { params: { query: { status: 'pending_approval', limit } } }),
    ),
  );
  const pcp = useCount('pcp', () =>
    call<Counted>(
      api.GET('/api/v1/staff/pcp-updates', { params: { query: { status: 'open,in_progress', limit } } }),
    ),
  );
  const help = useCount('help', () =>
    call<Counted>(
      api.GET('/api/v1/staff/support-requests', { params: { query: { status: 'open', limit } } }),
    ),
  );
  const emails = useCount('emails', () =>
    call<Counted>(api.GET('/api/v1/staff/notifications', { params: { query: { status: 'failed', limit } } })),
  );
  const alerts = useCount(
    'alerts',
    () => call<Counted>(api.GET('/api/v1/staff/alerts', { params: { query: { status: 'open', limit } } })),
    roles.has('privacy'),
  );
  const dueToday = (c: Counted) =>
    c.items.filter((i) => !i.overdue && i.dueAt && hospitalToday(new Date(i.dueAt)) === today).length;
  const late = (c: Counted) => c.items.filter((i) => i.overdue).length;
  return (
    <Stack maw={1100}>
      <Title order={1}>Today</Title>
      <Text size="sm">What needs someone now. Each count opens its queue.</Text>
      <SimpleGrid component="ul" cols={{ base: 1, xs: 2, md: 4 }} style={{ listStyle: 'none', padding: 0 }}>
        <Tile label="Registrations awaiting approval" to="/staff/registrations" query={registrations} />
        <Tile label="PCP updates open" to="/staff/pcp-updates" query={pcp} />
        <Tile label="PCP updates due today" to="/staff/pcp-updates" query={pcp} pick={dueToday} />
        <Tile label="PCP updates late" to="/staff/pcp-updates" query={pcp} pick={late} />
        <Tile label="Help requests open" to="/staff/help-desk" query={help} />
        <Tile label="Help requests late" to="/staff/help-desk" query={help} pick={late} />
        <Tile label="Failed emails" to="/staff/email-jobs" query={emails} />
        {roles.has('privacy') && (
          <Tile label="Unresolved privacy alerts" to="/staff/privacy" query={alerts} />
        )}
      </SimpleGrid>
    </Stack>
  );
}
