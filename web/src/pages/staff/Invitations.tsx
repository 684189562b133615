import { Button, Group, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { components } from '../../api/schema';
import { fieldErrorsOf, ProblemAlert } from '../../components/ProblemAlert';
import { formatInstant, humanize } from '../../lib/format';
import { useTitle } from '../../lib/useTitle';
import { ConfirmAction } from '../../components/ConfirmAction';
import { DataTable } from '../../components/DataTable';
import { ListState, useCursorList } from '../../components/Lists';
import { StatusBadge } from '../../staff/common';

type Invitation = components['schemas']['InvitationViewDto'];
type Page = components['schemas']['InvitationViewPageDto'];

export default function InvitationsPage() {
  useTitle('Invitations');
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<Invitation['status'] | null>('pending');
  const list = useCursorList<Invitation>(['staff', 'invitations', status], (cursor) =>
    call<Page>(
      api.GET('/api/v1/staff/invitations', {
        params: { query: { status: status ?? undefined, cursor, limit: 50 } },
      }),
    ),
  );
  const [mrn, setMrn] = useState('');
  const [email, setEmail] = useState('');
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['staff', 'invitations'] });
  const invite = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/staff/invitations', { body: { mrn: mrn.trim(), recipientEmail: email.trim() } }),
      ),
    onSuccess: () => {
      setMrn('');
      setEmail('');
      refresh();
    },
  });
  const cancel = useMutation({
    mutationFn: (id: string) =>
      call(api.DELETE('/api/v1/staff/invitations/{id}', { params: { path: { id } } })),
    onSuccess: refresh,
  });
  const errors = fieldErrorsOf(invite.error);
  return (
    <Stack maw={1000}>
      <Title order={1}>Invitations</Title>
      <form
        aria-label="Invite a provider"
        onSubmit={(e) => {
          e.preventDefault();
          invite.mutate();
        }}
      >
        <Stack maw={480}>
          <Text size="sm">Invite a provider to one patient: the token goes only to the email.</Text>
          <ProblemAlert error={invite.error} title="Not invited" />
          {invite.isSuccess && <Text role="status">Invitation sent.</Text>}
          <TextInput
            label="Patient MRN"
            value={mrn}
            onChange={(e) => setMrn(e.currentTarget.value)}
            error={errors.mrn}
            required
            autoComplete="off"
          />
          <TextInput
            label="Provider's email"
            type="email"
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            error={errors.recipientEmail}
            required
          />
          <Group>
            <Button type="submit" loading={invite.isPending} disabled={!mrn.trim() || !email.trim()}>
              Send the invitation
            </Button>
          </Group>
        </Stack>
      </form>
      <Select
        label="Status"
        maw={220}
        clearable
        value={status}
        onChange={(v) => setStatus(v as Invitation['status'] | null)}
        data={['pending', 'used', 'expired', 'cancelled'].map((v) => ({ value: v, label: humanize(v) }))}
      />
      <ListState query={list} what="invitations" empty="No invitation in this status.">
        {(items) => (
          <DataTable
            caption="Invitations"
            minWidth={720}
            rows={items}
            rowKey={(i) => i.id}
            columns={[
              { header: 'MRN', cell: (i) => i.mrn ?? '—' },
              { header: 'Email', cell: (i) => i.recipientEmail },
              { header: 'Sent', cell: (i) => formatInstant(i.createdAt) },
              { header: 'Expires', cell: (i) => formatInstant(i.expiresAt) },
              { header: 'Status', cell: (i) => <StatusBadge status={i.status} /> },
              {
                header: 'Actions',
                hideHeader: true,
                cell: (i) =>
                  i.status === 'pending' && (
                    <ConfirmAction
                      label="Cancel"
                      buttonLabel={`Cancel the invitation to ${i.recipientEmail}`}
                      title="Cancel the invitation"
                      consequence={`The token emailed to ${i.recipientEmail} stops working.`}
                      confirmLabel="Cancel the invitation"
                      onConfirm={() => cancel.mutateAsync(i.id)}
                      pending={cancel.isPending}
                      error={cancel.error}
                    />
                  ),
              },
            ]}
          />
        )}
      </ListState>
    </Stack>
  );
}
