import { Table, Text, Title } from '@mantine/core';
import { api, call } from '../../api/client';
import type { components } from '../../api/schema';
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
          <Table.ScrollContainer minWidth={640}>
            <Table striped>
              <caption className="visually-hidden">Recent activity</caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">When</Table.Th>
                  <Table.Th scope="col">Action</Table.Th>
                  <Table.Th scope="col">Patient</Table.Th>
                  <Table.Th scope="col">Outcome</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((e) => (
                  <Table.Tr key={e.id}>
                    <Table.Td>{formatInstant(e.at)}</Table.Td>
                    <Table.Td>{e.action}</Table.Td>
                    <Table.Td>{e.patientId ?? '—'}</Table.Td>
                    <Table.Td>{humanize(e.outcome)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </ListState>
    </section>
  );
}
