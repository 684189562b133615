import { Button, Card, Group, Select, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, call } from '../../api/client';
import type { components } from '../../api/schema';
import { fieldErrorsOf, ProblemAlert } from '../../components/ProblemAlert';
import { formatInstant, humanize } from '../../lib/format';
import { useTitle } from '../../lib/useTitle';
import { ConfirmAction } from '../../components/ConfirmAction';
import { ListState, useCursorList } from '../../components/Lists';
import { StatusBadge } from '../../staff/common';
import { PracticePicker } from '../../staff/PracticePicker';

type Change = components['schemas']['PracticeChangeRequestItemDto'];
type ChangePage = components['schemas']['PracticeChangeRequestPageDto'];
type Practice = components['schemas']['StaffPracticeDetailDto'];

export function PracticeChanges() {
  useTitle('Practice changes');
  const [status, setStatus] = useState<Change['status']>('open');
  const list = useCursorList<Change>(['staff', 'practice-changes', status], (cursor) =>
    call<ChangePage>(
      api.GET('/api/v1/staff/practice-change-requests', { params: { query: { status, cursor, limit: 50 } } }),
    ),
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
      <ListState query={list} what="practice changes" empty="No practice change in this status.">
        {(items) => (
          <Stack>
            {items.map((c) => (
              <ChangeCard key={c.id} change={c} />
            ))}
          </Stack>
        )}
      </ListState>
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
    mutationFn: () =>
      call(
        api.POST('/api/v1/staff/practice-change-requests/{id}/complete', {
          params: { path: { id: c.id } },
          body: { practiceId: practiceId! },
        }),
      ),
    onSuccess: refresh,
  });
  const reject = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/staff/practice-change-requests/{id}/reject', {
          params: { path: { id: c.id } },
          body: { reason: reason.trim() },
        }),
      ),
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
        From {c.oldPractice?.name ?? 'no practice'} to <b>{c.newPracticeName}</b>, {c.address} · phone{' '}
        {c.phone} · fax {c.fax}
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
            <Textarea
              label="Reason"
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value)}
              error={fieldErrorsOf(reject.error).reason}
            />
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
    queryFn: () =>
      call<Practice>(api.GET('/api/v1/staff/practices/{practiceId}', { params: { path: { practiceId } } })),
  });
  const [form, setForm] = useState<{ name: string; address: string; phone: string; fax: string } | null>(
    null,
  );
  const [npi, setNpi] = useState('');
  useEffect(() => {
    if (practice.data)
      setForm({
        name: practice.data.name,
        address: practice.data.address,
        phone: practice.data.phone,
        fax: practice.data.fax,
      });
  }, [practice.data]);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: key });
  const save = useMutation({
    mutationFn: () =>
      call(
        api.PATCH('/api/v1/staff/practices/{practiceId}', { params: { path: { practiceId } }, body: form! }),
      ),
    onSuccess: refresh,
  });
  const add = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/staff/practices/{practiceId}/roster', {
          params: { path: { practiceId } },
          body: { npi: npi.trim() },
        }),
      ),
    onSuccess: () => {
      setNpi('');
      refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (n: string) =>
      call(
        api.DELETE('/api/v1/staff/practices/{practiceId}/roster/{npi}', {
          params: { path: { practiceId, npi: n } },
        }),
      ),
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
              <TextInput
                key={k}
                label={humanize(k)}
                value={form[k]}
                onChange={(e) => setForm({ ...form, [k]: e.currentTarget.value })}
                error={errors[k]}
              />
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
          {practice.data.members
            .map((m) => `${m.firstName} ${m.lastName}${m.npi ? ` (NPI ${m.npi})` : ''}`)
            .join(', ') || 'None.'}
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
            <TextInput
              label="NPI to add"
              value={npi}
              onChange={(e) => setNpi(e.currentTarget.value)}
              error={fieldErrorsOf(add.error).npi}
            />
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
