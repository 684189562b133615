import {
  Anchor,
  Button,
  Card,
  Checkbox,
  Group,
  Radio,
  Select,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, call } from '../../api/client';
import type { components } from '../../api/schema';
import { fieldErrorsOf, ProblemAlert } from '../../components/ProblemAlert';
import { formatInstant, humanize } from '../../lib/format';
import { useTitle } from '../../lib/useTitle';
import { PracticePicker } from '../../staff/PracticePicker';
import {
  ConfirmAction,
  CursorList,
  StatusBadge,
  useCursorList,
  useRoles,
  type Role,
} from '../../staff/common';

type User = components['schemas']['StaffUserItemDto'];
type UserPage = components['schemas']['StaffUserPageDto'];
type Detail = components['schemas']['StaffUserDetailDto'];
type StaffAccount = components['schemas']['StaffAccountItemDto'];
type StaffPage = components['schemas']['StaffAccountPageDto'];
type Status = User['status'];

export default function UsersPage() {
  const { userId } = useParams();
  return userId ? <UserDetail userId={userId} /> : <Directory />;
}

function Directory() {
  useTitle('Users');
  const roles = useRoles();
  const [draft, setDraft] = useState('');
  const [q, setQ] = useState('');
  const [status, setStatus] = useState<string | null>(null);
  const [kind, setKind] = useState<string | null>(null);
  const list = useCursorList<User>(['staff', 'users', q, status, kind], (cursor) =>
    call<UserPage>(
      api.GET('/api/v1/staff/users', {
        params: {
          query: {
            q: q || undefined,
            status: (status ?? undefined) as Status,
            kind: (kind ?? undefined) as User['kind'] | undefined,
            cursor,
            limit: 50,
          },
        },
      }),
    ),
  );
  return (
    <Stack maw={1200}>
      <Title order={1}>Users</Title>
      <form
        role="search"
        aria-label="Find users"
        onSubmit={(e) => {
          e.preventDefault();
          setQ(draft.trim());
        }}
      >
        <Group align="flex-end">
          <TextInput
            label="Email, name or NPI"
            value={draft}
            onChange={(e) => setDraft(e.currentTarget.value)}
            w={300}
          />
          <Select
            label="Status"
            clearable
            value={status}
            onChange={setStatus}
            data={[
              'pending_email',
              'pending_approval',
              'invited',
              'active',
              'locked',
              'deactivated',
              'rejected',
            ].map((v) => ({ value: v, label: humanize(v) }))}
            w={200}
          />
          <Select
            label="Kind"
            clearable
            value={kind}
            onChange={setKind}
            data={['provider', 'sponsored', 'staff'].map((v) => ({ value: v, label: humanize(v) }))}
            w={160}
          />
          <Button type="submit">Search</Button>
        </Group>
      </form>
      <CursorList query={list} what="users" empty="Nobody matches.">
        {(items) => (
          <Table.ScrollContainer minWidth={820}>
            <Table striped>
              <caption className="visually-hidden">Users found</caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Name</Table.Th>
                  <Table.Th scope="col">Email</Table.Th>
                  <Table.Th scope="col">Kind</Table.Th>
                  <Table.Th scope="col">NPI</Table.Th>
                  <Table.Th scope="col">Practice</Table.Th>
                  <Table.Th scope="col">Status</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((u) => (
                  <Table.Tr key={u.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/staff/users/${u.id}`}>
                        {u.firstName} {u.lastName}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{u.email}</Table.Td>
                    <Table.Td>
                      {humanize(u.kind)}
                      {u.isSponsor ? ' (sponsor)' : ''}
                    </Table.Td>
                    <Table.Td>{u.npi ?? '—'}</Table.Td>
                    <Table.Td>{u.practice?.name ?? '—'}</Table.Td>
                    <Table.Td>
                      <StatusBadge status={u.status} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </CursorList>
      {roles.has('admin') && <StaffAccounts />}
    </Stack>
  );
}

function UserDetail({ userId }: { userId: string }) {
  useTitle('User');
  const roles = useRoles();
  const queryClient = useQueryClient();
  const key = ['staff', 'user', userId];
  const user = useQuery({
    queryKey: key,
    queryFn: () => call<Detail>(api.GET('/api/v1/staff/users/{userId}', { params: { path: { userId } } })),
  });
  const done = () => {
    void queryClient.invalidateQueries({ queryKey: key });
    void queryClient.invalidateQueries({ queryKey: ['staff', 'users'] });
  };
  const path = { params: { path: { userId } } };
  const [reason, setReason] = useState('');
  const [sponsored, setSponsored] = useState<'deactivate' | 'transfer'>('deactivate');
  const [transferTo, setTransferTo] = useState('');
  const [practiceId, setPracticeId] = useState<string | null>(null);
  const lock = useMutation({
    mutationFn: () =>
      call(api.POST('/api/v1/staff/users/{userId}/lock', { ...path, body: { reason: reason.trim() } })),
    onSuccess: done,
  });
  const unlock = useMutation({
    mutationFn: () => call(api.POST('/api/v1/staff/users/{userId}/unlock', path)),
    onSuccess: done,
  });
  const reactivate = useMutation({
    mutationFn: () => call(api.POST('/api/v1/staff/users/{userId}/reactivate', path)),
    onSuccess: done,
  });
  const resetMfa = useMutation({
    mutationFn: () => call(api.POST('/api/v1/staff/users/{userId}/reset-mfa', path)),
    onSuccess: done,
  });
  const resend = useMutation({
    mutationFn: () => call(api.POST('/api/v1/staff/users/{userId}/resend-link', path)),
    onSuccess: done,
  });
  const move = useMutation({
    mutationFn: () =>
      call(
        api.PUT('/api/v1/staff/users/{userId}/practice', {
          ...path,
          body: { practiceId: practiceId! },
        }),
      ),
    onSuccess: done,
  });
  const deactivate = useMutation({
    mutationFn: (hasStaff: boolean) =>
      call(
        api.POST('/api/v1/staff/users/{userId}/deactivate', {
          ...path,
          body: {
            reason: reason.trim(),
            ...(hasStaff
              ? {
                  sponsoredUsers: sponsored,
                  ...(sponsored === 'transfer' ? { transferToSponsorId: transferTo.trim() } : {}),
                }
              : {}),
          },
        }),
      ),
    onSuccess: done,
  });

  if (user.isPending) return <Text role="status">Loading the user…</Text>;
  if (user.isError) return <ProblemAlert error={user.error} title="Could not load the user" />;
  const u = user.data;
  const name = `${u.firstName} ${u.lastName}`;
  const liveStaff = u.sponsoredUsers.filter((s) => ['invited', 'active', 'locked'].includes(s.status));
  const mayAct = u.kind !== 'staff' || roles.has('admin');
  return (
    <Stack maw={1000}>
      <Anchor component={Link} to="/staff/users" size="sm">
        ← All users
      </Anchor>
      <Title order={1}>{name}</Title>
      <Group>
        <StatusBadge status={u.status} />
        {u.lockReason && <Text size="sm">Lock: {humanize(u.lockReason)}</Text>}
      </Group>
      <Card withBorder>
        <Stack gap={4}>
          <Text>
            <b>Email:</b> {u.email} · <b>Kind:</b> {humanize(u.kind)}
            {u.isSponsor ? ' (sponsor)' : ''} · <b>NPI:</b> {u.npi ?? '—'}
          </Text>
          <Text>
            <b>Practice:</b> {u.practice?.name ?? '—'} · <b>MFA:</b>{' '}
            {u.mfaEnrolled ? 'enrolled' : 'not enrolled'} · <b>Last sign-in:</b>{' '}
            {formatInstant(u.lastSignInAt)}
          </Text>
          {u.sponsorId && (
            <Text>
              <b>Sponsor:</b>{' '}
              <Anchor component={Link} to={`/staff/users/${u.sponsorId}`}>
                open the sponsor
              </Anchor>
            </Text>
          )}
          {u.roles.length > 0 && (
            <Text>
              <b>Staff roles:</b> {u.roles.join(', ')}
            </Text>
          )}
        </Stack>
      </Card>
      {u.sponsoredUsers.length > 0 && (
        <section aria-labelledby="sponsored-title">
          <Title order={2} size="h3" id="sponsored-title">
            Sponsored staff
          </Title>
          <Table>
            <caption className="visually-hidden">Sponsored staff</caption>
            <Table.Tbody>
              {u.sponsoredUsers.map((s) => (
                <Table.Tr key={s.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/staff/users/${s.id}`}>
                      {s.firstName} {s.lastName}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{s.email}</Table.Td>
                  <Table.Td>{s.role ?? '—'}</Table.Td>
                  <Table.Td>
                    <StatusBadge status={s.status} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </section>
      )}
      <section aria-labelledby="sessions-title">
        <Title order={2} size="h3" id="sessions-title">
          Active sessions
        </Title>
        {u.activeSessions.length === 0 ? (
          <Text>None.</Text>
        ) : (
          <Table>
            <caption className="visually-hidden">Active sessions</caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Started</Table.Th>
                <Table.Th scope="col">Last active</Table.Th>
                <Table.Th scope="col">Method</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {u.activeSessions.map((s) => (
                <Table.Tr key={s.id}>
                  <Table.Td>{formatInstant(s.createdAt)}</Table.Td>
                  <Table.Td>{formatInstant(s.lastActiveAt)}</Table.Td>
                  <Table.Td>{humanize(String(s.method ?? ''))}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </section>
      {mayAct && (
        <section aria-labelledby="actions-title">
          <Title order={2} size="h3" id="actions-title">
            Actions
          </Title>
          {resend.isSuccess && <Text role="status">A fresh link was emailed.</Text>}
          {resetMfa.isSuccess && (
            <Text role="status">
              MFA reset: {name} was emailed a link to set a new password, then enrolls TOTP again.
            </Text>
          )}
          <Group mt="xs">
            {u.status !== 'locked' && u.status !== 'deactivated' && (
              <ConfirmAction
                label="Lock"
                title={`Lock ${name}`}
                consequence={`${name} is signed out everywhere and cannot sign in until unlocked.`}
                onConfirm={() => lock.mutateAsync()}
                pending={lock.isPending}
                error={lock.error}
                canConfirm={!!reason.trim()}
              >
                <Textarea
                  label="Reason"
                  value={reason}
                  onChange={(e) => setReason(e.currentTarget.value)}
                  error={fieldErrorsOf(lock.error).reason}
                />
              </ConfirmAction>
            )}
            {u.status === 'locked' && (
              <ConfirmAction
                label="Unlock"
                color="blue"
                title={`Unlock ${name}`}
                consequence={`${name} can sign in again.`}
                onConfirm={() => unlock.mutateAsync()}
                pending={unlock.isPending}
                error={unlock.error}
              />
            )}
            {u.status === 'deactivated' && (
              <ConfirmAction
                label="Reactivate"
                color="blue"
                title={`Reactivate ${name}`}
                consequence={`${name} can sign in again.`}
                onConfirm={() => reactivate.mutateAsync()}
                pending={reactivate.isPending}
                error={reactivate.error}
              />
            )}
            {u.status !== 'deactivated' && (
              <ConfirmAction
                label="Deactivate"
                title={`Deactivate ${name}`}
                consequence={`${name} is signed out everywhere, their emailed links stop working, and they cannot sign in again unless reactivated.`}
                onConfirm={() => deactivate.mutateAsync(liveStaff.length > 0)}
                pending={deactivate.isPending}
                error={deactivate.error}
                canConfirm={
                  !!reason.trim() &&
                  (liveStaff.length === 0 || sponsored === 'deactivate' || !!transferTo.trim())
                }
              >
                <Textarea
                  label="Reason"
                  value={reason}
                  onChange={(e) => setReason(e.currentTarget.value)}
                  error={fieldErrorsOf(deactivate.error).reason}
                />
                {liveStaff.length > 0 && (
                  <>
                    <Radio.Group
                      label={`${liveStaff.length} sponsored staff member(s)`}
                      value={sponsored}
                      onChange={(v) => setSponsored(v as 'deactivate' | 'transfer')}
                    >
                      <Stack gap={4} mt={4}>
                        <Radio value="deactivate" label="Deactivate them too" />
                        <Radio value="transfer" label="Move them to another sponsor of the same practice" />
                      </Stack>
                    </Radio.Group>
                    {sponsored === 'transfer' && (
                      <TextInput
                        label="New sponsor's user id"
                        value={transferTo}
                        onChange={(e) => setTransferTo(e.currentTarget.value)}
                        error={fieldErrorsOf(deactivate.error).transferToSponsorId}
                      />
                    )}
                  </>
                )}
              </ConfirmAction>
            )}
            {u.kind !== 'staff' || roles.has('admin') ? (
              <ConfirmAction
                label="Reset MFA"
                title={`Reset ${name}'s MFA`}
                consequence={`${name}'s password and authenticator stop working; they are emailed a link to set a new password and enroll TOTP again at their next sign-in.`}
                onConfirm={() => resetMfa.mutateAsync()}
                pending={resetMfa.isPending}
                error={resetMfa.error}
              />
            ) : null}
            {['pending_email', 'invited'].includes(u.status) && (
              <ConfirmAction
                label="Resend link"
                color="blue"
                title="Resend the link"
                consequence={`${name} is emailed a fresh verification or activation link; earlier links stop working.`}
                onConfirm={() => resend.mutateAsync()}
                pending={resend.isPending}
                error={resend.error}
              />
            )}
            {u.kind === 'provider' && (
              <ConfirmAction
                label="Move practice"
                color="blue"
                title={`Move ${name} to another practice`}
                consequence={`${name} moves with their sponsored staff and is emailed.`}
                onConfirm={() => move.mutateAsync()}
                pending={move.isPending}
                error={move.error}
                canConfirm={!!practiceId}
              >
                <PracticePicker
                  label="New practice"
                  value={practiceId}
                  onChange={(id) => setPracticeId(id)}
                  error={fieldErrorsOf(move.error).practiceId}
                />
              </ConfirmAction>
            )}
          </Group>
        </section>
      )}
      {u.kind === 'staff' && roles.has('admin') && (
        <RolesForm userId={u.id} current={u.roles} onDone={done} />
      )}
    </Stack>
  );
}

const ROLES: Role[] = ['team', 'privacy', 'admin'];

function RolesForm({ userId, current, onDone }: { userId: string; current: Role[]; onDone: () => void }) {
  const [roles, setRoles] = useState<string[]>(current);
  const save = useMutation({
    mutationFn: () =>
      call(
        api.PUT('/api/v1/staff/staff-accounts/{userId}/roles', {
          params: { path: { userId } },
          body: { roles: roles as Role[] },
        }),
      ),
    onSuccess: onDone,
  });
  return (
    <Card withBorder component="section" aria-labelledby="roles-title">
      <Stack>
        <Title order={2} size="h3" id="roles-title">
          Staff roles
        </Title>
        <Checkbox.Group label="Roles" value={roles} onChange={setRoles}>
          <Group mt={4}>
            {ROLES.map((r) => (
              <Checkbox key={r} value={r} label={humanize(r)} />
            ))}
          </Group>
        </Checkbox.Group>
        <ProblemAlert error={save.error} title="Roles not changed" />
        {save.isSuccess && <Text role="status">Roles saved.</Text>}
        <Group>
          <Button onClick={() => save.mutate()} loading={save.isPending} disabled={roles.length === 0}>
            Save roles
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

function StaffAccounts() {
  const queryClient = useQueryClient();
  const list = useCursorList<StaffAccount>(['staff', 'staff-accounts'], (cursor) =>
    call<StaffPage>(api.GET('/api/v1/staff/staff-accounts', { params: { query: { cursor, limit: 50 } } })),
  );
  const [form, setForm] = useState({ email: '', firstName: '', lastName: '' });
  const [roles, setRoles] = useState<string[]>(['team']);
  const create = useMutation({
    mutationFn: () =>
      call(api.POST('/api/v1/staff/staff-accounts', { body: { ...form, roles: roles as Role[] } })),
    onSuccess: () => {
      setForm({ email: '', firstName: '', lastName: '' });
      void queryClient.invalidateQueries({ queryKey: ['staff', 'staff-accounts'] });
    },
  });
  const errors = fieldErrorsOf(create.error);
  return (
    <section aria-labelledby="staff-accounts-title">
      <Stack>
        <Title order={2} id="staff-accounts-title">
          Staff accounts (admin)
        </Title>
        <CursorList query={list} what="staff accounts" empty="No staff account.">
          {(items) => (
            <Table>
              <caption className="visually-hidden">Staff accounts</caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Name</Table.Th>
                  <Table.Th scope="col">Email</Table.Th>
                  <Table.Th scope="col">Roles</Table.Th>
                  <Table.Th scope="col">Status</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((s) => (
                  <Table.Tr key={s.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/staff/users/${s.id}`}>
                        {s.firstName} {s.lastName}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{s.email}</Table.Td>
                    <Table.Td>{s.roles.join(', ')}</Table.Td>
                    <Table.Td>
                      <StatusBadge status={s.status} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </CursorList>
        <form
          aria-label="New staff account"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate();
          }}
        >
          <Stack maw={480}>
            <Title order={3} size="h4">
              New staff account
            </Title>
            <ProblemAlert error={create.error} title="Not created" />
            {create.isSuccess && <Text role="status">Invited: an activation email is on its way.</Text>}
            <TextInput
              label="Email"
              type="email"
              value={form.email}
              onChange={(e) => setForm({ ...form, email: e.currentTarget.value })}
              error={errors.email}
              required
            />
            <TextInput
              label="First name"
              value={form.firstName}
              onChange={(e) => setForm({ ...form, firstName: e.currentTarget.value })}
              error={errors.firstName}
              required
            />
            <TextInput
              label="Last name"
              value={form.lastName}
              onChange={(e) => setForm({ ...form, lastName: e.currentTarget.value })}
              error={errors.lastName}
              required
            />
            <Checkbox.Group label="Roles" value={roles} onChange={setRoles}>
              <Group mt={4}>
                {ROLES.map((r) => (
                  <Checkbox key={r} value={r} label={humanize(r)} />
                ))}
              </Group>
            </Checkbox.Group>
            <Group>
              <Button type="submit" loading={create.isPending} disabled={roles.length === 0}>
                Invite
              </Button>
            </Group>
          </Stack>
        </form>
      </Stack>
    </section>
  );
}
