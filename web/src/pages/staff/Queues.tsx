import { Anchor, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, call } from '../../api/client';
import type { components } from '../../api/schema';
import { formatDate, humanize } from '../../lib/format';
import { useTitle } from '../../lib/useTitle';
import { ListState, useCursorList } from '../../components/Lists';
import { StatusBadge } from '../../staff/common';
import { HelpDesk } from './HelpDesk';
import { PracticeChanges } from './PracticeChanges';

type Validation = components['schemas']['StaffValidationItemDto'];
type ValidationPage = components['schemas']['StaffValidationPageDto'];
/** The smaller queues of the console: help desk, practice changes (+ practices), validations. */
export default function QueuesPage({ queue }: { queue: 'help-desk' | 'practice-changes' | 'validations' }) {
  if (queue === 'help-desk') return <HelpDesk />;
  if (queue === 'practice-changes') return <PracticeChanges />;
  return <Validations />;
}

function Validations() {
  useTitle('Validations');
  const [status, setStatus] = useState<Validation['status'] | null>(null);
  const list = useCursorList<Validation>(['staff', 'validations', status], (cursor) =>
    call<ValidationPage>(
      api.GET('/api/v1/staff/sponsor-validations', {
        params: { query: { status: status ?? undefined, cursor, limit: 50 } },
      }),
    ),
  );
  return (
    <Stack maw={1100}>
      <Title order={1}>Sponsor validations</Title>
      <Text size="sm">
        The current period's semiannual validations. A sponsor who misses the last day is locked until they
        complete it.
      </Text>
      <Select
        label="Status"
        maw={200}
        clearable
        value={status}
        onChange={(v) => setStatus(v as Validation['status'] | null)}
        data={['pending', 'overdue', 'completed'].map((v) => ({ value: v, label: humanize(v) }))}
      />
      <ListState query={list} what="validations" empty="No validation in this status.">
        {(items) => (
          <Table.ScrollContainer minWidth={760}>
            <Table striped>
              <caption className="visually-hidden">Sponsor validations</caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Sponsor</Table.Th>
                  <Table.Th scope="col">Period</Table.Th>
                  <Table.Th scope="col">Last day</Table.Th>
                  <Table.Th scope="col">Staff</Table.Th>
                  <Table.Th scope="col">Status</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((v) => (
                  <Table.Tr key={v.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/staff/users/${v.sponsor.id}`}>
                        {v.sponsor.name}
                      </Anchor>
                      <Text size="xs" c="dimmed">
                        {v.sponsor.email}
                        {v.sponsor.lockReason ? ` · locked (${humanize(v.sponsor.lockReason)})` : ''}
                      </Text>
                    </Table.Td>
                    <Table.Td>{v.period}</Table.Td>
                    <Table.Td>{formatDate(v.lastDay)}</Table.Td>
                    <Table.Td>{v.userCount}</Table.Td>
                    <Table.Td>
                      <StatusBadge status={v.sponsor.lockReason === 'validation' ? 'locked' : v.status} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </ListState>
    </Stack>
  );
}
