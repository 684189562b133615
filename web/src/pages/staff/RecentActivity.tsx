import { Text, Title } from '@mantine/core';
import { api, call } from '../../api/client';
import type { components } from '../../api/schema';
import { DataTable } from '../../components/DataTable';
import { ListState, useCursorList } from '../../components/Lists';
import { formatInstant, humanize } from '../../lib/format';

type AuditEvent = components['schemas']['AuditEventDto'];
type AuditEventPage = components['schemas']['AuditEventPageDto'];

/**
 * The user's latest audit entries, newest first: shown to staff with the `privacy` role only, since
 * `GET /staff/audit-events` is the privacy officer's route (API.md v1.1) and the entries name the
 * patients the user opened. Reading them is itself audited (`audit.search`).
 */
export function RecentActivity({ userId }: { userId: string }) {
  const list = useCursorList<AuditEvent>(['staff', 'audit', 'user', userId], (cursor) =>
    call<AuditEventPage>(
      api.GET('/api/v1/staff/audit-events', {
        params: { query: { userId, cursor, limit: 10 }, header: { accept: 'application/json' } },
      }),
    ),
  );
  return (
    <section aria-labelledby="activity-title">
      <Title order={2} size="h3" id="activity-title">
        Recent activity
      </Title>
      <Text size="sm" mb="xs">
        Their latest entries in the audit trail (privacy role). The full history, with dates and CSV, is on
        Privacy → What one user viewed.
      </Text>
      <ListState query={list} what="activity" empty="No activity recorded.">
        {(items) => (
          <DataTable
            caption="Recent activity"
            rows={items}
            rowKey={(e) => e.id}
            columns={[
              { header: 'When', cell: (e) => formatInstant(e.at) },
              { header: 'Action', cell: (e) => e.action },
              { header: 'Patient', cell: (e) => e.patientId ?? '—' },
              { header: 'Outcome', cell: (e) => humanize(e.outcome) },
            ]}
          />
        )}
      </ListState>
    </section>
  );
}
