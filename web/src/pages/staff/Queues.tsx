import { Anchor, Button, Card, Checkbox, Group, Image, Select, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api, call } from '../../api/client';
import type { components } from '../../api/schema';
import { fieldErrorsOf, ProblemAlert } from '../../components/ProblemAlert';
import { formatDate, formatInstant, humanize } from '../../lib/format';
import { useTitle } from '../../lib/useTitle';
import { ConfirmAction, CursorList, StatusBadge, timeLeft, useCursorList } from '../../staff/common';
import { PracticePicker } from '../../staff/PracticePicker';

type Support = components['schemas']['SupportRequestItemDto'];
type SupportPage = components['schemas']['SupportRequestPageDto'];
type Change = components['schemas']['PracticeChangeRequestItemDto'];
type ChangePage = components['schemas']['PracticeChangeRequestPageDto'];
type Validation = components['schemas']['StaffValidationItemDto'];
type ValidationPage = components['schemas']['StaffValidationPageDto'];
type Practice = components['schemas']['StaffPracticeDetailDto'];

/** The smaller queues of the console: help desk, practice changes (+ practices), validations. */
export default function QueuesPage({ queue }: { queue: 'help-desk' | 'practice-changes' | 'validations' }) {
  if (queue === 'help-desk') return <HelpDesk />;
  if (queue === 'practice-changes') return <PracticeChanges />;
  return <Validations />;
}

function HelpDesk() {
  useTitle('Help desk');
  const [status, setStatus] = useState<Support['status']>('open');
  const [openId, setOpenId] = useState<string | null>(null);
  const list = useCursorList<Support>(['staff', 'support', status], (cursor) =>
    call<SupportPage>(api.GET('/api/v1/staff/support-requests', { params: { query: { status, cursor, limit: 50 } } })),
  );
  return (
    <Stack maw={1100}>
      <Title order={1}>Help desk</Title>
      <Select
        label="Status"
        maw={200}
        value={status}
        allowDeselect={false}
        onChange={(v) => setStatus((v ?? 'open') as Support['status'])}
        data={['open', 'answered', 'closed'].map((v) => ({ value: v, label: humanize(v) }))}
      />
      <CursorList query={list} what="help requests" empty="No help request in this status.">
        {(items) => (
          <Stack>
            {[...items]
              .sort((a, b) => Number(b.overdue) - Number(a.overdue) || a.dueAt.localeCompare(b.dueAt))
              .map((r) => (
                <Card withBorder key={r.id} component="article" aria-labelledby={`support-${r.id}`}>
                  <Group justify="space-between">
                    <Title order={2} size="h4" id={`support-${r.id}`}>
                      {r.name} · {r.loginEmail}
                    </Title>
                    <Group gap="xs">
                      <StatusBadge status={r.overdue && r.status !== 'closed' ? 'overdue' : r.status} />
                      <Text size="sm">
                        Due {formatInstant(r.dueAt)}
                        {r.status !== 'closed' ? ` (${timeLeft(r.dueAt)})` : ''}
                      </Text>
                    </Group>
                  </Group>
                  <Text size="sm" c="dimmed">
                    {formatInstant(r.createdAt)} · {r.signedIn ? 'signed in' : 'signed out'}
                  </Text>
                  <Text mt="xs" style={{ whiteSpace: 'pre-wrap' }}>
                    {r.description}
                  </Text>
                  {openId === r.id ? (
                    <SupportDetail request={r} onClose={() => setOpenId(null)} />
                  ) : (
                    <Group mt="xs">
                      <Button size="compact-sm" variant="default" onClick={() => setOpenId(r.id)} aria-label={`Open the request from ${r.name}`}>
                        Open
                      </Button>
                    </Group>
                  )}
                </Card>
              ))}
          </Stack>
        )}
      </CursorList>
    </Stack>
  );
}

function Screenshot({ id }: { id: string }) {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    let objectUrl: string | null = null;
    void api
      .GET('/api/v1/staff/support-requests/{id}/screenshot', { params: { path: { id } }, parseAs: 'blob' })
      .then((res) => {
        if (res.response.ok && res.data) {
          objectUrl = URL.createObjectURL(res.data as Blob);
          setUrl(objectUrl);
        }
      });
    return () => {
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [id]);
  return url ? <Image src={url} alt="Screenshot sent with the request" maw={600} radius="sm" /> : <Text size="sm">Loading the screenshot…</Text>;
}

function SupportDetail({ request, onClose }: { request: Support; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [message, setMessage] = useState('');
  const [closeToo, setCloseToo] = useState(false);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['staff', 'support'] });
  const reply = useMutation({
    mutationFn: () =>
      call(api.POST('/api/v1/staff/support-requests/{id}/replies', { params: { path: { id: request.id } }, body: { message: message.trim(), close: closeToo } })),
    onSuccess: () => {
      setMessage('');
      refresh();
    },
  });
  const close = useMutation({
    mutationFn: () => call(api.POST('/api/v1/staff/support-requests/{id}/close', { params: { path: { id: request.id } } })),
    onSuccess: () => {
      refresh();
      onClose();
    },
  });
  return (
    <Stack mt="sm">
      {request.hasScreenshot && <Screenshot id={request.id} />}
      {request.replies.length > 0 && (
        <Stack gap={4}>
          {request.replies.map((r, i) => (
            <Text key={i} size="sm">
              <b>{r.from === 'team' ? 'Team' : 'Requester'}</b>, {formatInstant(r.at)}: {r.message}
            </Text>
          ))}
        </Stack>
      )}
      {request.status !== 'closed' && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            reply.mutate();
          }}
        >
          <Stack>
            <ProblemAlert error={reply.error ?? close.error} title="Not sent" />
            {reply.isSuccess && <Text role="status">Reply emailed.</Text>}
            <Textarea
              label="Reply (emailed verbatim: no patient data)"
              value={message}
              onChange={(e) => setMessage(e.currentTarget.value)}
              error={fieldErrorsOf(reply.error).message}
              autosize
              minRows={3}
            />
            <Checkbox label="Close the request with this reply" checked={closeToo} onChange={(e) => setCloseToo(e.currentTarget.checked)} />
            <Group>
              <Button type="submit" loading={reply.isPending} disabled={!message.trim()}>
                Send the reply
              </Button>
              <ConfirmAction
                label="Close without reply"
                color="gray"
                title="Close the request"
                consequence={`The request from ${request.name} is closed; nothing more is emailed.`}
                confirmLabel="Close the request"
                onConfirm={() => close.mutateAsync()}
                pending={close.isPending}
                error={close.error}
              />
            </Group>
          </Stack>
        </form>
      )}
    </Stack>
  );
}

function PracticeChanges() {
  useTitle('Practice changes');
  const [status, setStatus] = useState<Change['status']>('open');
  const list = useCursorList<Change>(['staff', 'practice-changes', status], (cursor) =>
    call<ChangePage>(api.GET('/api/v1/staff/practice-change-requests', { params: { query: { status, cursor, limit: 50 } } })),
  );
  return (
    <Stack maw={1100}>
      <Title order={1}>Practice changes</Title>
      <Select
        label="Status"
        maw={200}
        value={status}
        allowDeselect={false}
        onChange={(v) => setStatus((v ?? 'open') as Change['status'])}
        data={['open', 'completed', 'rejected'].map((v) => ({ value: v, label: humanize(v) }))}
      />
      <CursorList query={list} what="practice changes" empty="No practice change in this status.">
        {(items) => (
          <Stack>
            {items.map((c) => (
              <ChangeCard key={c.id} change={c} />
            ))}
          </Stack>
        )}
      </CursorList>
      <Practices />
    </Stack>
  );
}

function ChangeCard({ change: c }: { change: Change }) {
  const queryClient = useQueryClient();
  const [practiceId, setPracticeId] = useState<string | null>(c.newPracticeId);
  const [practiceName, setPracticeName] = useState<string | null>(c.newPracticeId ? c.newPracticeName : null);
  const [reason, setReason] = useState('');
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['staff', 'practice-changes'] });
  const complete = useMutation({
    mutationFn: () => call(api.POST('/api/v1/staff/practice-change-requests/{id}/complete', { params: { path: { id: c.id } }, body: { practiceId: practiceId! } })),
    onSuccess: refresh,
  });
  const reject = useMutation({
    mutationFn: () => call(api.POST('/api/v1/staff/practice-change-requests/{id}/reject', { params: { path: { id: c.id } }, body: { reason: reason.trim() } })),
    onSuccess: refresh,
  });
  const who = `${c.user.firstName} ${c.user.lastName}`;
  return (
    <Card withBorder component="article" aria-labelledby={`change-${c.id}`}>
      <Group justify="space-between">
        <Title order={2} size="h4" id={`change-${c.id}`}>
          {who} ({humanize(c.user.kind)}
          {c.user.npi ? `, NPI ${c.user.npi}` : ''})
        </Title>
        <StatusBadge status={c.status} />
      </Group>
      <Text size="sm">
        From {c.oldPractice?.name ?? 'no practice'} to <b>{c.newPracticeName}</b>, {c.address} · phone {c.phone} · fax {c.fax}
        {c.wasSponsor ? ' · was a sponsor' : ''} · asked {formatInstant(c.createdAt)}
      </Text>
      {c.rejectReason && <Text size="sm">Rejected: {c.rejectReason}</Text>}
      {c.status === 'open' && (
        <Group mt="xs" align="flex-end">
          <PracticePicker
            label="Move to practice"
            value={practiceId}
            onChange={(id, name) => {
              setPracticeId(id);
              setPracticeName(name);
            }}
            error={fieldErrorsOf(complete.error).practiceId}
          />
          <ConfirmAction
            label="Carry out"
            color="blue"
            buttonLabel={`Carry out ${who}'s practice change`}
            title="Carry out the practice change"
            consequence={`${who} moves to ${practiceName ?? 'the chosen practice'} (with their sponsored staff) and is emailed.`}
            onConfirm={() => complete.mutateAsync()}
            pending={complete.isPending}
            error={complete.error}
            disabled={!practiceId}
          />
          <ConfirmAction
            label="Reject"
            buttonLabel={`Reject ${who}'s practice change`}
            title="Reject the practice change"
            consequence={`${who} stays in their practice and is emailed the reason.`}
            onConfirm={() => reject.mutateAsync()}
            pending={reject.isPending}
            error={reject.error}
            canConfirm={!!reason.trim()}
          >
            <Textarea label="Reason" value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={fieldErrorsOf(reject.error).reason} />
          </ConfirmAction>
        </Group>
      )}
    </Card>
  );
}

function Practices() {
  const [practiceId, setPracticeId] = useState<string | null>(null);
  return (
    <section aria-labelledby="practices-title">
      <Stack>
        <Title order={2} id="practices-title">
          Practices
        </Title>
        <PracticePicker label="Find a practice" value={practiceId} onChange={(id) => setPracticeId(id)} />
        {practiceId && <PracticeEditor key={practiceId} practiceId={practiceId} />}
      </Stack>
    </section>
  );
}

function PracticeEditor({ practiceId }: { practiceId: string }) {
  const queryClient = useQueryClient();
  const key = ['staff', 'practice', practiceId];
  const practice = useQuery({
    queryKey: key,
    queryFn: () => call<Practice>(api.GET('/api/v1/staff/practices/{practiceId}', { params: { path: { practiceId } } })),
  });
  const [form, setForm] = useState<{ name: string; address: string; phone: string; fax: string } | null>(null);
  const [npi, setNpi] = useState('');
  useEffect(() => {
    if (practice.data) setForm({ name: practice.data.name, address: practice.data.address, phone: practice.data.phone, fax: practice.data.fax });
  }, [practice.data]);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: key });
  const save = useMutation({
    mutationFn: () => call(api.PATCH('/api/v1/staff/practices/{practiceId}', { params: { path: { practiceId } }, body: form! })),
    onSuccess: refresh,
  });
  const add = useMutation({
    mutationFn: () => call(api.POST('/api/v1/staff/practices/{practiceId}/roster', { params: { path: { practiceId } }, body: { npi: npi.trim() } })),
    onSuccess: () => {
      setNpi('');
      refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (n: string) => call(api.DELETE('/api/v1/staff/practices/{practiceId}/roster/{npi}', { params: { path: { practiceId, npi: n } } })),
    onSuccess: refresh,
  });
  if (practice.isPending || !form) return <Text role="status">Loading the practice…</Text>;
  if (practice.isError) return <ProblemAlert error={practice.error} title="Could not load the practice" />;
  const errors = fieldErrorsOf(save.error);
  return (
    <Card withBorder>
      <Stack>
        <form
          aria-label="Edit the practice"
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate();
          }}
        >
          <Stack maw={520}>
            <ProblemAlert error={save.error} title="Not saved" />
            {save.isSuccess && <Text role="status">Saved.</Text>}
            {(['name', 'address', 'phone', 'fax'] as const).map((k) => (
              <TextInput key={k} label={humanize(k)} value={form[k]} onChange={(e) => setForm({ ...form, [k]: e.currentTarget.value })} error={errors[k]} />
            ))}
            <Group>
              <Button type="submit" loading={save.isPending}>
                Save the practice
              </Button>
            </Group>
          </Stack>
        </form>
        <Title order={3} size="h4">
          Members
        </Title>
        <Text size="sm">
          {practice.data.members.map((m) => `${m.firstName} ${m.lastName}${m.npi ? ` (NPI ${m.npi})` : ''}`).join(', ') || 'None.'}
        </Text>
        <Title order={3} size="h4">
          Roster (physicians without a portal account)
        </Title>
        <Table>
          <caption className="visually-hidden">Roster</caption>
          <Table.Tbody>
            {practice.data.roster.map((r) => (
              <Table.Tr key={r.npi}>
                <Table.Td>NPI {r.npi}</Table.Td>
                <Table.Td>
                  <ConfirmAction
                    label="Remove"
                    buttonLabel={`Remove NPI ${r.npi} from the roster`}
                    title="Remove from the roster"
                    consequence={`NPI ${r.npi} no longer counts as this practice's physician (for PCP access).`}
                    onConfirm={() => remove.mutateAsync(r.npi)}
                    pending={remove.isPending}
                    error={remove.error}
                  />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <form
          aria-label="Add to the roster"
          onSubmit={(e) => {
            e.preventDefault();
            add.mutate();
          }}
        >
          <Group align="flex-end">
            <TextInput label="NPI to add" value={npi} onChange={(e) => setNpi(e.currentTarget.value)} error={fieldErrorsOf(add.error).npi} />
            <Button type="submit" variant="default" loading={add.isPending} disabled={!npi.trim()}>
              Add to the roster
            </Button>
          </Group>
        </form>
        <ProblemAlert error={add.error} title="Not added" />
      </Stack>
    </Card>
  );
}

function Validations() {
  useTitle('Validations');
  const [status, setStatus] = useState<Validation['status'] | null>(null);
  const list = useCursorList<Validation>(['staff', 'validations', status], (cursor) =>
    call<ValidationPage>(api.GET('/api/v1/staff/sponsor-validations', { params: { query: { status: status ?? undefined, cursor, limit: 50 } } })),
  );
  return (
    <Stack maw={1100}>
      <Title order={1}>Sponsor validations</Title>
      <Text size="sm">The current period's semiannual validations. A sponsor who misses the last day is locked until they complete it.</Text>
      <Select
        label="Status"
        maw={200}
        clearable
        value={status}
        onChange={(v) => setStatus(v as Validation['status'] | null)}
        data={['pending', 'overdue', 'completed'].map((v) => ({ value: v, label: humanize(v) }))}
      />
      <CursorList query={list} what="validations" empty="No validation in this status.">
        {(items) => (
          <Table.ScrollContainer minWidth={760}>
            <Table striped>
              <caption className="visually-hidden">Sponsor validations</caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Sponsor</Table.Th>
                  <Table.Th scope="col">Period</Table.Th>
                  <Table.Th scope="col">Last day</Table.Th>
                  <Table.Th scope="col">Staff</Table.Th>
                  <Table.Th scope="col">Status</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((v) => (
                  <Table.Tr key={v.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/staff/users/${v.sponsor.id}`}>{v.sponsor.name}</Anchor>
                      <Text size="xs" c="dimmed">
                        {v.sponsor.email}
                        {v.sponsor.lockReason ? ` · locked (${humanize(v.sponsor.lockReason)})` : ''}
                      </Text>
                    </Table.Td>
                    <Table.Td>{v.period}</Table.Td>
                    <Table.Td>{formatDate(v.lastDay)}</Table.Td>
                    <Table.Td>{v.userCount}</Table.Td>
                    <Table.Td>
                      <StatusBadge status={v.sponsor.lockReason === 'validation' ? 'locked' : v.status} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </CursorList>
    </Stack>
  );
}
