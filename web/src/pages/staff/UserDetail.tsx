import {
  Anchor,
  Button,
  Card,
  Checkbox,
  Group,
  Radio,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, call } from '../../api/client';
import type { components } from '../../api/schema';
import { ConfirmAction } from '../../components/ConfirmAction';
import { fieldErrorsOf, ProblemAlert } from '../../components/ProblemAlert';
import { formatInstant, humanize } from '../../lib/format';
import { useTitle } from '../../lib/useTitle';
import { PracticePicker } from '../../staff/PracticePicker';
import { StatusBadge, useRoles, type Role } from '../../staff/common';
import { ROLES } from '../../staff/sections';
import { RecentActivity } from './RecentActivity';

type Detail = components['schemas']['StaffUserDetailDto'];
export function UserDetail({ userId }: { userId: string }) {
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
      {roles.has('privacy') && <RecentActivity userId={u.id} />}
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
