import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Checkbox,
  Group,
  PasswordInput,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { Link } from 'react-router';
import { api, call } from '../api/client';
import { ApiError } from '../api/problem';
import type { Page, Session, SupportRequest } from '../api/types';
import { useSession } from '../auth/session';
import { itemsOf, ListState } from '../components/Lists';
import { fieldErrorsOf, ProblemAlert } from '../components/ProblemAlert';
import { formatDate, formatInstant, humanize } from '../lib/format';
import { useTitle } from '../lib/useTitle';

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Card withBorder component="section" aria-label={title}>
      <Stack>
        <Title order={2} size="h3">
          {title}
        </Title>
        {children}
      </Stack>
    </Card>
  );
}

export default function AccountPage() {
  useTitle('Account');
  const { me } = useSession();
  if (!me) return null;
  return (
    <Stack maw={880}>
      <Title order={1}>Account</Title>
      <Section title="Profile">
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Text>
            <strong>Name:</strong> {me.firstName} {me.lastName}
          </Text>
          <Text>
            <strong>Email:</strong> {me.email}
          </Text>
          <Text>
            <strong>NPI:</strong> {me.npi ?? '—'}
          </Text>
          <Text>
            <strong>Practice:</strong> {me.practice?.name ?? '—'}
          </Text>
          <Text>
            <strong>Account:</strong> {humanize(me.kind)}
            {me.isSponsor ? ', sponsor' : ''}
          </Text>
        </SimpleGrid>
        {me.kind === 'provider' && me.npi && !me.isSponsor && (
          <Anchor component={Link} to="/sponsor">
            Become a sponsor
          </Anchor>
        )}
      </Section>
      {me.kind === 'provider' && me.npi ? (
        <Section title="Change email">
          <ChangeEmail />
        </Section>
      ) : (
        me.kind === 'sponsored' && (
          <Section title="Change email">
            <Text>Your sponsor creates a new account with your new email; ask them.</Text>
          </Section>
        )
      )}
      <Section title="Change password">
        <ChangePassword />
      </Section>
      <Section title="Sessions">
        <Sessions />
      </Section>
      {me.kind !== 'staff' && (
        <Section title="Practice change">
          <PracticeChange wasSponsor={me.isSponsor} />
        </Section>
      )}
      <Section title="Help requests">
        <HelpRequests />
      </Section>
    </Stack>
  );
}

function ChangeEmail() {
  const [newEmail, setNewEmail] = useState('');
  const [password, setPassword] = useState('');
  const change = useMutation({
    mutationFn: () => call(api.POST('/api/v1/me/email', { body: { newEmail: newEmail.trim(), password } })),
  });
  if (change.isSuccess)
    return (
      <Alert color="green" role="status">
        We sent a link to {newEmail}. Your email changes when you open it.
      </Alert>
    );
  const errors = fieldErrorsOf(change.error);
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        change.mutate();
      }}
      noValidate
    >
      <Stack maw={420}>
        <ProblemAlert error={change.error} title="Email not changed" />
        <TextInput
          label="New email"
          type="email"
          value={newEmail}
          onChange={(e) => setNewEmail(e.currentTarget.value)}
          error={errors.newEmail}
          autoComplete="email"
        />
        <PasswordInput
          label="Current password"
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          error={errors.password}
          autoComplete="current-password"
        />
        <Group>
          <Button type="submit" loading={change.isPending} disabled={!newEmail || !password}>
            Send confirmation link
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function ChangePassword() {
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const change = useMutation({
    mutationFn: () => call(api.POST('/api/v1/me/password', { body: { currentPassword, newPassword } })),
  });
  const code = change.error instanceof ApiError ? change.error.code : null;
  if (change.isSuccess)
    return (
      <Alert color="green" role="status">
        Password changed. Your other sessions were signed out.
      </Alert>
    );
  return (
    <form
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        change.mutate();
      }}
      noValidate
    >
      <Stack maw={420}>
        {code && !['invalid_password', 'weak_password'].includes(code) && (
          <ProblemAlert error={change.error} title="Password not changed" />
        )}
        <PasswordInput
          label="Current password"
          value={currentPassword}
          onChange={(e) => setCurrent(e.currentTarget.value)}
          error={code === 'invalid_password' ? 'This is not your current password.' : undefined}
          autoComplete="current-password"
        />
        <PasswordInput
          label="New password"
          description="At least 12 characters; a passphrase is best."
          value={newPassword}
          onChange={(e) => setNew(e.currentTarget.value)}
          error={
            code === 'weak_password' ? 'Choose a stronger password.' : fieldErrorsOf(change.error).newPassword
          }
          autoComplete="new-password"
        />
        <Group>
          <Button type="submit" loading={change.isPending} disabled={!currentPassword || !newPassword}>
            Change password
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function Sessions() {
  const queryClient = useQueryClient();
  const { signOut } = useSession();
  const sessions = useQuery({
    queryKey: ['sessions'],
    queryFn: () => call<Page<Session> | Session[]>(api.GET('/api/v1/me/sessions')),
    select: itemsOf<Session>,
  });
  const end = useMutation({
    mutationFn: (s: Session | 'others') =>
      s === 'others'
        ? call(api.DELETE('/api/v1/me/sessions'))
        : call(api.DELETE('/api/v1/me/sessions/{id}', { params: { path: { id: s.id } } })),
    onSuccess: (_d, s) => {
      if (s !== 'others' && s.current) void signOut();
      else void queryClient.invalidateQueries({ queryKey: ['sessions'] });
    },
  });
  return (
    <Stack>
      <ProblemAlert error={end.error} title="Could not end the session" />
      <ListState query={sessions} what="sessions" empty="No live session.">
        {(items) => (
          <>
            <Table.ScrollContainer minWidth={480}>
              <Table>
                <caption className="visually-hidden">Your sessions</caption>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">Started</Table.Th>
                    <Table.Th scope="col">Last active</Table.Th>
                    <Table.Th scope="col">Sign-in</Table.Th>
                    <Table.Th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((s) => (
                    <Table.Tr key={s.id}>
                      <Table.Td>
                        {formatInstant(s.createdAt)}{' '}
                        {s.current && <Badge variant="light">This session</Badge>}
                      </Table.Td>
                      <Table.Td>{formatInstant(s.lastActiveAt)}</Table.Td>
                      <Table.Td>{s.method === 'sso' ? 'Hospital SSO' : 'Password + code'}</Table.Td>
                      <Table.Td>
                        <Button size="compact-sm" variant="default" onClick={() => end.mutate(s)}>
                          {s.current ? 'Sign out' : 'End'}
                        </Button>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            {items.length > 1 && (
              <Group>
                <Button variant="default" onClick={() => end.mutate('others')} loading={end.isPending}>
                  End all other sessions
                </Button>
              </Group>
            )}
          </>
        )}
      </ListState>
    </Stack>
  );
}

function PracticeChange({ wasSponsor }: { wasSponsor: boolean }) {
  const [f, setF] = useState({ newPracticeName: '', address: '', phone: '', fax: '', email: '' });
  const [sponsor, setSponsor] = useState(wasSponsor);
  const send = useMutation({
    mutationFn: () =>
      call<{ id: string }>(
        api.POST('/api/v1/me/practice-change-requests', {
          body: {
            newPracticeName: f.newPracticeName.trim(),
            address: f.address.trim(),
            phone: f.phone.trim(),
            fax: f.fax.trim(),
            ...(f.email.trim() ? { email: f.email.trim() } : {}),
            wasSponsor: sponsor,
          },
        }),
      ),
  });
  if (send.isSuccess)
    return (
      <Alert color="green" role="status">
        Your request reached the MyPatients team. They will contact you.
      </Alert>
    );
  const errors = fieldErrorsOf(send.error);
  const input = (key: keyof typeof f, label: string, type = 'text') => (
    <TextInput
      label={label}
      type={type}
      value={f[key]}
      onChange={(e) => setF({ ...f, [key]: e.currentTarget.value })}
      error={errors[key]}
    />
  );
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        send.mutate();
      }}
      noValidate
    >
      <Stack>
        <Text size="sm">
          Moving to another practice? Tell the MyPatients team; they carry out the change.
        </Text>
        <ProblemAlert error={send.error} title="Request not sent" />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          {input('newPracticeName', 'New practice name')}
          {input('address', 'Address')}
          {input('phone', 'Phone', 'tel')}
          {input('fax', 'Fax', 'tel')}
          {input('email', 'New email, if it changes (optional)', 'email')}
        </SimpleGrid>
        <Checkbox
          label="I was a sponsor at my current practice"
          checked={sponsor}
          onChange={(e) => setSponsor(e.currentTarget.checked)}
        />
        <Group>
          <Button
            type="submit"
            loading={send.isPending}
            disabled={!f.newPracticeName || !f.address || !f.phone || !f.fax}
          >
            Send the request
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function HelpRequests() {
  const queryClient = useQueryClient();
  const [description, setDescription] = useState('');
  const list = useQuery({
    queryKey: ['support-requests'],
    queryFn: () => call<Page<SupportRequest>>(api.GET('/api/v1/support-requests')),
    select: itemsOf<SupportRequest>,
  });
  const send = useMutation({
    mutationFn: () =>
      call<{ id: string; dueAt: string }>(
        api.POST('/api/v1/support-requests', { body: { description: description.trim() } }),
      ),
    onSuccess: () => {
      setDescription('');
      void queryClient.invalidateQueries({ queryKey: ['support-requests'] });
    },
  });
  return (
    <Stack>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          send.mutate();
        }}
        noValidate
      >
        <Stack>
          {send.isSuccess && (
            <Alert color="green" role="status">
              Sent. The MyPatients team answers by {formatDate(send.data.dueAt)}.
            </Alert>
          )}
          <ProblemAlert error={send.error} title="Not sent" />
          <Textarea
            label="Describe the problem"
            description="Do not include patient information."
            value={description}
            onChange={(e) => setDescription(e.currentTarget.value)}
            error={fieldErrorsOf(send.error).description}
            autosize
            minRows={3}
          />
          <Group>
            <Button type="submit" loading={send.isPending} disabled={!description.trim()}>
              Send to the MyPatients team
            </Button>
          </Group>
        </Stack>
      </form>
      <ListState query={list} what="your help requests" empty="No help request yet.">
        {(items) => (
          <Stack gap="xs">
            {items.map((r) => (
              <Card key={r.id} withBorder padding="sm">
                <Text size="sm">
                  Sent {formatInstant(r.createdAt)} · {humanize(r.status)} · answer due {formatDate(r.dueAt)}
                </Text>
                {(r.replies ?? []).map((reply, i) => (
                  <Text size="sm" key={i}>
                    <strong>{reply.from === 'team' ? 'MyPatients team' : 'You'}:</strong> {reply.message}
                  </Text>
                ))}
              </Card>
            ))}
          </Stack>
        )}
      </ListState>
    </Stack>
  );
}
