import {
  Alert,
  Anchor,
  Button,
  Group,
  Modal,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, call } from '../api/client';
import { ApiError } from '../api/problem';
import type { Page, SponsoredUser, Validation } from '../api/types';
import { useSession } from '../auth/session';
import { ConfirmAction } from '../components/ConfirmAction';
import { DataTable } from '../components/DataTable';
import { itemsOf, ListState } from '../components/Lists';
import { fieldErrorsOf, ProblemAlert } from '../components/ProblemAlert';
import { formatDate, humanize } from '../lib/format';
import { useTitle } from '../lib/useTitle';

export const ROLES = [
  { value: 'registered_nurse', label: 'Registered nurse' },
  { value: 'referral_coordinator', label: 'Referral coordinator' },
  { value: 'social_worker', label: 'Social worker' },
  { value: 'office_manager', label: 'Office manager' },
  { value: 'other', label: 'Other' },
];
const roleLabel = (role: string) => ROLES.find((r) => r.value === role)?.label ?? humanize(role);

/** A banner while a semiannual validation is open (on every sponsor page). */
export function ValidationBanner() {
  const validation = useQuery({
    queryKey: ['validation'],
    queryFn: () => call<Validation>(api.GET('/api/v1/sponsorship/validation')),
    retry: false,
  });
  if (!validation.data || validation.data.status === 'completed') return null;
  const v = validation.data;
  return (
    <Alert color={v.status === 'overdue' ? 'red' : 'yellow'} title="Review your staff list" role="status">
      Confirm who still works with you by {formatDate(v.lastDay ?? v.dueAt)}.{' '}
      <Anchor component={Link} to="/sponsor/validation">
        Review now
      </Anchor>
    </Alert>
  );
}

export default function SponsorPage() {
  useTitle('My staff');
  const { me, reloadMe } = useSession();
  const queryClient = useQueryClient();
  const [adding, setAdding] = useState(false);
  const [replacing, setReplacing] = useState<SponsoredUser | null>(null);
  const enroll = useMutation({
    mutationFn: () => call(api.POST('/api/v1/sponsorship/enroll')),
    onSuccess: () => void reloadMe(),
  });
  const users = useQuery({
    queryKey: ['sponsored-users'],
    enabled: !!me?.isSponsor,
    queryFn: () =>
      call<Page<SponsoredUser>>(
        api.GET('/api/v1/sponsorship/sponsored-users', { params: { query: { limit: 200 } } }),
      ),
    select: itemsOf<SponsoredUser>,
  });
  const deactivate = useMutation({
    mutationFn: (id: string) =>
      call(api.DELETE('/api/v1/sponsorship/sponsored-users/{id}', { params: { path: { id } } })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['sponsored-users'] }),
  });

  if (!me) return null;
  if (!me.isSponsor) {
    return (
      <Stack maw={640}>
        <Title order={1}>Become a sponsor</Title>
        <Text>
          As a sponsor you create MyPatients accounts for your practice’s staff (nurses, referral
          coordinators, office managers…), and twice a year you confirm who still works with you.
        </Text>
        {enroll.error instanceof ApiError && enroll.error.code === 'not_eligible' ? (
          <Alert color="orange" role="alert">
            Only providers with an NPI and a MyPatients account (not hospital credentials) can sponsor.
          </Alert>
        ) : (
          <ProblemAlert error={enroll.error} />
        )}
        <Group>
          <Button onClick={() => enroll.mutate()} loading={enroll.isPending}>
            Enroll as a sponsor
          </Button>
        </Group>
      </Stack>
    );
  }
  return (
    <Stack maw={960}>
      <Title order={1}>My staff</Title>
      <ValidationBanner />
      <Group>
        <Button onClick={() => setAdding(true)}>Add a staff member</Button>
      </Group>
      <ListState query={users} what="your staff" empty="You have not added anyone yet.">
        {(items) => (
          <DataTable
            caption="Your sponsored staff"
            minWidth={600}
            rows={items}
            rowKey={(u) => u.id}
            columns={[
              { header: 'Name', cell: (u) => `${u.firstName} ${u.lastName}` },
              { header: 'Email', cell: (u) => u.email },
              { header: 'Role', cell: (u) => roleLabel(u.role) },
              { header: 'Status', cell: (u) => humanize(u.status) },
              {
                header: 'Actions',
                hideHeader: true,
                cell: (u) =>
                  u.status !== 'deactivated' && (
                    <Group gap="xs" wrap="nowrap">
                      <Button
                        size="compact-sm"
                        variant="default"
                        aria-label={`Replace email of ${u.firstName} ${u.lastName}`}
                        onClick={() => setReplacing(u)}
                      >
                        Replace email
                      </Button>
                      <ConfirmAction
                        label="Deactivate"
                        buttonLabel={`Deactivate ${u.firstName} ${u.lastName}`}
                        title={`Deactivate ${u.firstName} ${u.lastName}`}
                        consequence={`${u.firstName} ${u.lastName} is signed out and can no longer sign in to MyPatients. Only the MyPatients team can reactivate the account.`}
                        onConfirm={() => deactivate.mutateAsync(u.id)}
                        pending={deactivate.isPending}
                        error={deactivate.error}
                      />
                    </Group>
                  ),
              },
            ]}
          />
        )}
      </ListState>
      <Modal opened={adding} onClose={() => setAdding(false)} title="Add a staff member">
        {adding && <AddStaff onDone={() => setAdding(false)} />}
      </Modal>
      <Modal opened={!!replacing} onClose={() => setReplacing(null)} title="Replace email">
        {replacing && <ReplaceEmail user={replacing} onDone={() => setReplacing(null)} />}
      </Modal>
    </Stack>
  );
}

function AddStaff({ onDone }: { onDone: () => void }) {
  const queryClient = useQueryClient();
  const [f, setF] = useState({ firstName: '', lastName: '', email: '', role: 'registered_nurse' });
  const add = useMutation({
    mutationFn: () =>
      call<{ id: string }>(
        api.POST('/api/v1/sponsorship/sponsored-users', {
          body: {
            firstName: f.firstName.trim(),
            lastName: f.lastName.trim(),
            email: f.email.trim(),
            role: f.role as 'other',
          },
        }),
      ),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['sponsored-users'] });
      onDone();
    },
  });
  const errors = fieldErrorsOf(add.error);
  if (add.error instanceof ApiError && add.error.code === 'email_taken')
    errors.email = 'An account already uses this email.';
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        add.mutate();
      }}
      noValidate
    >
      <Stack>
        <Text size="sm">They get an email to set a password and their authenticator app.</Text>
        {!(add.error instanceof ApiError && add.error.code === 'email_taken') && (
          <ProblemAlert error={add.error} title="Not added" />
        )}
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput
            label="First name"
            value={f.firstName}
            onChange={(e) => setF({ ...f, firstName: e.currentTarget.value })}
            error={errors.firstName}
          />
          <TextInput
            label="Last name"
            value={f.lastName}
            onChange={(e) => setF({ ...f, lastName: e.currentTarget.value })}
            error={errors.lastName}
          />
        </SimpleGrid>
        <TextInput
          label="Email"
          type="email"
          value={f.email}
          onChange={(e) => setF({ ...f, email: e.currentTarget.value })}
          error={errors.email}
        />
        <Select
          label="Role"
          data={ROLES}
          value={f.role}
          onChange={(v) => v && setF({ ...f, role: v })}
          error={errors.role}
          allowDeselect={false}
        />
        <Button type="submit" loading={add.isPending} disabled={!f.firstName || !f.lastName || !f.email}>
          Send the activation email
        </Button>
      </Stack>
    </form>
  );
}

function ReplaceEmail({ user, onDone }: { user: SponsoredUser; onDone: () => void }) {
  const queryClient = useQueryClient();
  const [newEmail, setNewEmail] = useState('');
  const replace = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/sponsorship/sponsored-users/{id}/replace-email', {
          params: { path: { id: user.id } },
          body: { newEmail: newEmail.trim() },
        }),
      ),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['sponsored-users'] });
      onDone();
    },
  });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        replace.mutate();
      }}
      noValidate
    >
      <Stack>
        <Text size="sm">
          A new account is created for {user.firstName} {user.lastName} with the new email (they activate it
          from the email); the current account is deactivated.
        </Text>
        <ProblemAlert error={replace.error} title="Not replaced" />
        <TextInput
          label="New email"
          type="email"
          value={newEmail}
          onChange={(e) => setNewEmail(e.currentTarget.value)}
          error={fieldErrorsOf(replace.error).newEmail}
        />
        <Button type="submit" loading={replace.isPending} disabled={!newEmail.includes('@')}>
          Replace
        </Button>
      </Stack>
    </form>
  );
}
