import { Anchor, Button, Stack, Table, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, call } from '../api/client';
import type { AccessRequest, Page } from '../api/types';
import { itemsOf, ListState } from '../components/Lists';
import { ProblemAlert } from '../components/ProblemAlert';
import { formatDate, formatInstant, humanize } from '../lib/format';
import { useTitle } from '../lib/useTitle';

/** My requests: PCP-update requests and non-PCP access requests, with withdraw while pending. */
export default function MyRequestsPage() {
  useTitle('My requests');
  const queryClient = useQueryClient();
  const pcp = useQuery({
    queryKey: ['my-requests', 'pcp'],
    queryFn: () =>
      call<Page<AccessRequest>>(
        api.GET('/api/v1/pcp-access-requests', { params: { query: { limit: 200 } } }),
      ),
    select: itemsOf<AccessRequest>,
  });
  const nonPcp = useQuery({
    queryKey: ['my-requests', 'non-pcp'],
    queryFn: () =>
      call<Page<AccessRequest>>(api.GET('/api/v1/access-requests', { params: { query: { limit: 200 } } })),
    select: itemsOf<AccessRequest>,
  });
  const withdraw = useMutation({
    mutationFn: ({ kind, id }: { kind: 'pcp' | 'non_pcp'; id: string }) =>
      kind === 'pcp'
        ? call(api.DELETE('/api/v1/pcp-access-requests/{id}', { params: { path: { id } } }))
        : call(api.DELETE('/api/v1/access-requests/{id}', { params: { path: { id } } })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['my-requests'] }),
  });

  const table = (kind: 'pcp' | 'non_pcp', caption: string) => (items: AccessRequest[]) => (
    <Table.ScrollContainer minWidth={520}>
      <Table striped>
        <caption className="visually-hidden">{caption}</caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Sent</Table.Th>
            <Table.Th scope="col">Status</Table.Th>
            <Table.Th scope="col">{kind === 'pcp' ? 'Due' : 'Expires'}</Table.Th>
            <Table.Th scope="col">Patient</Table.Th>
            <Table.Th scope="col">
              <span className="visually-hidden">Actions</span>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((r) => {
            const open = ['open', 'pending', 'in_progress'].includes(r.status);
            return (
              <Table.Tr key={r.id}>
                <Table.Td>{formatInstant(r.createdAt)}</Table.Td>
                <Table.Td>
                  {humanize(r.status)}
                  {r.outcome ? ` (${humanize(r.outcome)})` : ''}
                </Table.Td>
                <Table.Td>{formatDate(kind === 'pcp' ? r.dueAt : r.expiresAt)}</Table.Td>
                <Table.Td>
                  {r.patientId && r.status === 'completed' ? (
                    <Anchor component={Link} to={`/patients/${r.patientId}`}>
                      Open record
                    </Anchor>
                  ) : (
                    '—'
                  )}
                </Table.Td>
                <Table.Td>
                  {open && (
                    <Button
                      size="compact-sm"
                      variant="default"
                      loading={withdraw.isPending && withdraw.variables?.id === r.id}
                      onClick={() => withdraw.mutate({ kind, id: r.id })}
                    >
                      Withdraw
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );

  return (
    <Stack maw={960}>
      <Title order={1}>My requests</Title>
      <ProblemAlert error={withdraw.error} title="Could not withdraw" />
      <Title order={2} size="h3">
        PCP access (the MyPatients team)
      </Title>
      <ListState query={pcp} what="PCP access requests" empty="No PCP access request.">
        {table('pcp', 'PCP access requests')}
      </ListState>
      <Title order={2} size="h3">
        Non-PCP access (the family)
      </Title>
      <ListState query={nonPcp} what="non-PCP access requests" empty="No non-PCP access request.">
        {table('non_pcp', 'Non-PCP access requests')}
      </ListState>
    </Stack>
  );
}
