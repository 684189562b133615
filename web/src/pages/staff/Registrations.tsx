import { Alert, Button, Group, Modal, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { components } from '../../api/schema';
import { ListState } from '../../components/Lists';
import { fieldErrorsOf, ProblemAlert } from '../../components/ProblemAlert';
import { formatInstant } from '../../lib/format';
import { useTitle } from '../../lib/useTitle';

type Registration = components['schemas']['RegistrationItemDto'];
type RegistrationPage = components['schemas']['RegistrationPageDto'];

/**
 * The registration queue (the first page of the team console, a separate chunk): approve or
 * reject registrations whose email is confirmed. Lets a newcomer's bootstrap staff account approve
 * a provider without the API.
 */
export default function RegistrationsPage() {
  useTitle('Registrations');
  const queryClient = useQueryClient();
  const [rejecting, setRejecting] = useState<Registration | null>(null);
  const list = useQuery({
    queryKey: ['staff', 'registrations'],
    queryFn: () =>
      call<RegistrationPage>(
        api.GET('/api/v1/staff/registrations', {
          params: { query: { status: 'pending_approval', limit: 200 } },
        }),
      ),
    select: (page) => page.items,
  });
  const approve = useMutation({
    mutationFn: (userId: string) =>
      call(api.POST('/api/v1/staff/registrations/{userId}/approve', { params: { path: { userId } } })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['staff', 'registrations'] }),
  });
  return (
    <Stack maw={1100}>
      <Title order={1}>Registrations waiting for approval</Title>
      <Text size="sm">Check each NPI and practice before approving; the person is emailed either way.</Text>
      <ProblemAlert error={approve.error} title="Not approved" />
      <ListState query={list} what="registrations" empty="No registration is waiting.">
        {(items) => (
          <Table.ScrollContainer minWidth={720}>
            <Table striped>
              <caption className="visually-hidden">Registrations waiting for approval</caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Name</Table.Th>
                  <Table.Th scope="col">Email</Table.Th>
                  <Table.Th scope="col">NPI</Table.Th>
                  <Table.Th scope="col">Practice</Table.Th>
                  <Table.Th scope="col">Registered</Table.Th>
                  <Table.Th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((r) => (
                  <Table.Tr key={r.userId}>
                    <Table.Td>
                      {r.firstName} {r.lastName}
                    </Table.Td>
                    <Table.Td>{r.email}</Table.Td>
                    <Table.Td>{r.npi ?? '—'}</Table.Td>
                    <Table.Td>
                      {r.practice ? (
                        <>
                          {r.practice.name}
                          <Text size="xs" c="dimmed">
                            {r.practice.address} · {r.practice.phone}
                            {r.practice.activeMembers === 0 ? ' · new practice' : ''}
                          </Text>
                        </>
                      ) : (
                        '—'
                      )}
                    </Table.Td>
                    <Table.Td>{formatInstant(r.createdAt)}</Table.Td>
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap">
                        <Button
                          size="compact-sm"
                          onClick={() => approve.mutate(r.userId)}
                          loading={approve.isPending && approve.variables === r.userId}
                          aria-label={`Approve ${r.firstName} ${r.lastName}`}
                        >
                          Approve
                        </Button>
                        <Button
                          size="compact-sm"
                          variant="default"
                          onClick={() => setRejecting(r)}
                          aria-label={`Reject ${r.firstName} ${r.lastName}`}
                        >
                          Reject
                        </Button>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </ListState>
      <Modal opened={!!rejecting} onClose={() => setRejecting(null)} title="Reject the registration">
        {rejecting && <RejectForm registration={rejecting} onDone={() => setRejecting(null)} />}
      </Modal>
    </Stack>
  );
}

function RejectForm({ registration, onDone }: { registration: Registration; onDone: () => void }) {
  const queryClient = useQueryClient();
  const [reason, setReason] = useState('');
  const reject = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/staff/registrations/{userId}/reject', {
          params: { path: { userId: registration.userId } },
          body: { reason: reason.trim() },
        }),
      ),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['staff', 'registrations'] });
      onDone();
    },
  });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        reject.mutate();
      }}
    >
      <Stack>
        <Alert color="gray">
          {registration.firstName} {registration.lastName} is emailed the reason.
        </Alert>
        <ProblemAlert error={reject.error} title="Not rejected" />
        <Textarea
          label="Reason"
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          error={fieldErrorsOf(reject.error).reason}
          autosize
          minRows={2}
        />
        <Button type="submit" color="red" loading={reject.isPending} disabled={!reason.trim()}>
          Reject
        </Button>
      </Stack>
    </form>
  );
}
