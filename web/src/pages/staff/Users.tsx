import { Anchor, Button, Checkbox, Group, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, call } from '../../api/client';
import type { components } from '../../api/schema';
import { DataTable } from '../../components/DataTable';
import { fieldErrorsOf, ProblemAlert } from '../../components/ProblemAlert';
import { humanize } from '../../lib/format';
import { useTitle } from '../../lib/useTitle';
import { ListState, useCursorList } from '../../components/Lists';
import { StatusBadge, useRoles, type Role } from '../../staff/common';
import { UserDetail } from './UserDetail';
import { ROLES } from '../../staff/sections';

type User = components['schemas']['StaffUserItemDto'];
type UserPage = components['schemas']['StaffUserPageDto'];
type StaffAccount = components['schemas']['StaffAccountItemDto'];
type StaffPage = components['schemas']['StaffAccountPageDto'];
type Status = User['status'];

export default function UsersPage() {
  const { userId } = useParams();
  return userId ? <UserDetail userId={userId} /> : <Directory />;
}

/** A user's name, linking to their page (the directory and the staff accounts). */
function UserLink({ id, name }: { id: string; name: string }) {
  return (
    <Anchor component={Link} to={`/staff/users/${id}`}>
      {name}
    </Anchor>
  );
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
      <ListState query={list} what="users" empty="Nobody matches.">
        {(items) => (
          <DataTable
            caption="Users found"
            minWidth={820}
            rows={items}
            rowKey={(u) => u.id}
            columns={[
              { header: 'Name', cell: (u) => <UserLink id={u.id} name={`${u.firstName} ${u.lastName}`} /> },
              { header: 'Email', cell: (u) => u.email },
              { header: 'Kind', cell: (u) => `${humanize(u.kind)}${u.isSponsor ? ' (sponsor)' : ''}` },
              { header: 'NPI', cell: (u) => u.npi ?? '—' },
              { header: 'Practice', cell: (u) => u.practice?.name ?? '—' },
              { header: 'Status', cell: (u) => <StatusBadge status={u.status} /> },
            ]}
          />
        )}
      </ListState>
      {roles.has('admin') && <StaffAccounts />}
    </Stack>
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
        <ListState query={list} what="staff accounts" empty="No staff account.">
          {(items) => (
            <DataTable
              caption="Staff accounts"
              rows={items}
              rowKey={(s) => s.id}
              columns={[
                { header: 'Name', cell: (s) => <UserLink id={s.id} name={`${s.firstName} ${s.lastName}`} /> },
                { header: 'Email', cell: (s) => s.email },
                { header: 'Roles', cell: (s) => s.roles.join(', ') },
                { header: 'Status', cell: (s) => <StatusBadge status={s.status} /> },
              ]}
            />
          )}
        </ListState>
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
