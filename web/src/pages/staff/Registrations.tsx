import { Alert, Button, Group, Modal, Select, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { components } from '../../api/schema';
import { ListState, useCursorList } from '../../components/Lists';
import { fieldErrorsOf, ProblemAlert } from '../../components/ProblemAlert';
import { formatInstant } from '../../lib/format';
import { useTitle } from '../../lib/useTitle';
import { StatusBadge } from '../../staff/common';

type Registration = components['schemas']['RegistrationItemDto'];
type RegistrationPage = components['schemas']['RegistrationPageDto'];
type Status = Registration['status'];

/** The `?status=` values of GET /staff/registrations, in the order a registration goes through them. */
const REGISTRATION_STATUSES: { value: Status; label: string }[] = [
  { value: 'pending_approval', label: 'Waiting for approval' },
  { value: 'pending_email', label: 'Email not confirmed yet' },
  { value: 'active', label: 'Approved (active)' },
  { value: 'rejected', label: 'Rejected' },
];

/**
 * Registrations (team console): by status, cursor-paged; approve or reject those whose email is
 * confirmed. Lets a newcomer's bootstrap staff account approve a provider without the API.
 */
export default function RegistrationsPage() {
  useTitle('Registrations');
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<Status>('pending_approval');
  const [rejecting, setRejecting] = useState<Registration | null>(null);
  const list = useCursorList<Registration>(['staff', 'registrations', status], (cursor) =>
    call<RegistrationPage>(
      api.GET('/api/v1/staff/registrations', { params: { query: { status, cursor, limit: 50 } } }),
    ),
  );
  const waiting = status === 'pending_approval';
  const approve = useMutation({
    mutationFn: (userId: string) =>
      call(api.POST('/api/v1/staff/registrations/{userId}/approve', { params: { path: { userId } } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['staff', 'registrations'] });
      // Today's count of registrations awaiting approval changes too.
      void queryClient.invalidateQueries({ queryKey: ['staff', 'today', 'registrations'] });
    },
  });
  return (
    <Stack maw={1100}>
      <Title order={1}>Registrations</Title>
      <Text size="sm">Check each NPI and practice before approving; the person is emailed either way.</Text>
      <Select
        label="Status"
        maw={260}
        value={status}
        allowDeselect={false}
        onChange={(v) => v && setStatus(v as Status)}
        data={REGISTRATION_STATUSES}
      />
      <ProblemAlert error={approve.error} title="Not approved" />
      <ListState
        query={list}
        what="registrations"
        empty={waiting ? 'No registration is waiting.' : 'No registration in this status.'}
      >
        {(items) => (
          <Table.ScrollContainer minWidth={720}>
            <Table striped>
              <caption className="visually-hidden">
                Registrations: {REGISTRATION_STATUSES.find((x) => x.value === status)?.label}
              </caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Name</Table.Th>
                  <Table.Th scope="col">Email</Table.Th>
                  <Table.Th scope="col">NPI</Table.Th>
                  <Table.Th scope="col">Practice</Table.Th>
                  <Table.Th scope="col">Registered</Table.Th>
                  <Table.Th scope="col">Status</Table.Th>
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
                      <StatusBadge status={r.status} />
                      {r.status === 'rejected' && r.rejectionReason && (
                        <Text size="xs">{r.rejectionReason}</Text>
                      )}
                      {r.status === 'active' && r.approvedAt && (
                        <Text size="xs">{formatInstant(r.approvedAt)}</Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      {r.status === 'pending_approval' && (
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
                      )}
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
      void queryClient.invalidateQueries({ queryKey: ['staff', 'today', 'registrations'] });
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
