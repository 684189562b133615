import { Anchor, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, call } from '../../api/client';
import type { components } from '../../api/schema';
import { formatInstant } from '../../lib/format';
import { useTitle } from '../../lib/useTitle';
import { ListState, useCursorList } from '../../components/Lists';
import { StatusBadge, timeLeft } from '../../staff/common';
import { PcpUpdateDetail } from './PcpUpdateDetail';

type Item = components['schemas']['PcpUpdateItemDto'];
type Page = components['schemas']['PcpUpdatePageDto'];
/** Late first, then by due date (the API's order is by due date; late ones are pulled up). */
export function lateFirst(items: Item[]): Item[] {
  return [...items].sort((a, b) => Number(b.overdue) - Number(a.overdue) || a.dueAt.localeCompare(b.dueAt));
}

function Deadline({ item }: { item: Pick<Item, 'dueAt' | 'overdue' | 'status'> }) {
  const closed = item.status === 'completed' || item.status === 'rejected' || item.status === 'withdrawn';
  return (
    <>
      {formatInstant(item.dueAt)}
      {!closed && (
        <Text size="xs" c={item.overdue ? 'red.9' : 'dimmed'} fw={item.overdue ? 700 : undefined}>
          {item.overdue ? 'Late: ' : ''}
          {timeLeft(item.dueAt)}
        </Text>
      )}
    </>
  );
}

export default function PcpUpdatesPage() {
  const { id } = useParams();
  return id ? <PcpUpdateDetail id={id} /> : <PcpUpdateQueue />;
}

function PcpUpdateQueue() {
  useTitle('PCP updates');
  const [status, setStatus] = useState<string>('open,in_progress');
  const list = useCursorList<Item>(['staff', 'pcp-updates', status], (cursor) =>
    call<Page>(api.GET('/api/v1/staff/pcp-updates', { params: { query: { status, cursor, limit: 50 } } })),
  );
  return (
    <Stack maw={1200}>
      <Title order={1}>PCP updates</Title>
      <Text size="sm">
        Late requests first, then by due date. Deadlines are business days, shown in hospital time.
      </Text>
      <Select
        label="Status"
        maw={260}
        value={status}
        onChange={(v) => setStatus(v ?? 'open,in_progress')}
        allowDeselect={false}
        data={[
          { value: 'open,in_progress', label: 'Open and in progress' },
          { value: 'open', label: 'Open' },
          { value: 'in_progress', label: 'In progress' },
          { value: 'completed', label: 'Completed' },
          { value: 'rejected', label: 'Rejected' },
          { value: 'withdrawn', label: 'Withdrawn' },
        ]}
      />
      <ListState query={list} what="PCP updates" empty="No PCP update in this status.">
        {(items) => (
          <Table.ScrollContainer minWidth={860}>
            <Table striped>
              <caption className="visually-hidden">PCP update requests</caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Patient</Table.Th>
                  <Table.Th scope="col">Requested by</Table.Th>
                  <Table.Th scope="col">Status</Table.Th>
                  <Table.Th scope="col">Due</Table.Th>
                  <Table.Th scope="col">Assignee</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {lateFirst(items).map((r) => (
                  <Table.Tr key={r.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/staff/pcp-updates/${r.id}`}>
                        {r.patient.lastName}, {r.patient.firstName}
                      </Anchor>
                      <Text size="xs" c="dimmed">
                        MRN {r.patient.mrn}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      {r.requester.firstName} {r.requester.lastName}
                      <Text size="xs" c="dimmed">
                        {r.requester.practice?.name ?? '—'}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <StatusBadge status={r.overdue && r.status !== 'completed' ? 'overdue' : r.status} />
                    </Table.Td>
                    <Table.Td>
                      <Deadline item={r} />
                    </Table.Td>
                    <Table.Td>
                      {r.assignee ? `${r.assignee.firstName ?? ''} ${r.assignee.lastName ?? ''}` : '—'}
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
