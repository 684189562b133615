import {
  Anchor,
  Button,
  Card,
  Group,
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
import { Link } from 'react-router';
import { api, call } from '../../api/client';
import type { components } from '../../api/schema';
import { fieldErrorsOf, ProblemAlert } from '../../components/ProblemAlert';
import { formatDate, formatInstant, humanize } from '../../lib/format';
import { useTitle } from '../../lib/useTitle';
import { ConfirmAction } from '../../components/ConfirmAction';
import { StatusBadge, timeLeft } from '../../staff/common';

type Detail = components['schemas']['PcpUpdateDetailDto'];
type Practice = components['schemas']['StaffPracticeDetailDto'];
type Relationship = components['schemas']['RecordConfirmationDto']['relationship'];
type Method = components['schemas']['RecordConfirmationDto']['method'];

const RELATIONSHIPS: Relationship[] = [
  'mother',
  'father',
  'parent',
  'legal_guardian',
  'foster_parent',
  'grandparent',
  'patient',
  'other',
];
const METHODS: Method[] = ['phone', 'in_person', 'video', 'portal_message'];

export function PcpUpdateDetail({ id }: { id: string }) {
  useTitle('PCP update');
  const queryClient = useQueryClient();
  const key = ['staff', 'pcp-update', id];
  const detail = useQuery({
    queryKey: key,
    queryFn: () => call<Detail>(api.GET('/api/v1/staff/pcp-updates/{id}', { params: { path: { id } } })),
  });
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: key });
    void queryClient.invalidateQueries({ queryKey: ['staff', 'pcp-updates'] });
  };
  const claim = useMutation({
    mutationFn: () => call(api.POST('/api/v1/staff/pcp-updates/{id}/claim', { params: { path: { id } } })),
    onSuccess: refresh,
  });
  const release = useMutation({
    mutationFn: () => call(api.POST('/api/v1/staff/pcp-updates/{id}/release', { params: { path: { id } } })),
    onSuccess: refresh,
  });
  const [reason, setReason] = useState('');
  const reject = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/staff/pcp-updates/{id}/reject', {
          params: { path: { id } },
          body: { reason: reason.trim() },
        }),
      ),
    onSuccess: refresh,
  });

  if (detail.isPending) return <Text role="status">Loading the request…</Text>;
  if (detail.isError) return <ProblemAlert error={detail.error} title="Could not load the request" />;
  const r = detail.data;
  const active = r.status === 'open' || r.status === 'in_progress';
  return (
    <Stack maw={1000}>
      <Anchor component={Link} to="/staff/pcp-updates" size="sm">
        ← All PCP updates
      </Anchor>
      <Title order={1}>
        PCP update: {r.patient.lastName}, {r.patient.firstName}
      </Title>
      <Group>
        <StatusBadge status={r.status} />
        {r.overdue && active && <StatusBadge status="overdue" />}
      </Group>
      <Card withBorder>
        <Stack gap={4}>
          <Text>
            <b>Patient:</b> {r.patient.firstName} {r.patient.lastName}, MRN {r.patient.mrn}; current PCP NPI{' '}
            {r.patient.pcpNpi ?? '—'}
          </Text>
          <Text>
            <b>Requested by:</b> {r.requester.firstName} {r.requester.lastName} ({humanize(r.requester.kind)}
            {r.requester.npi ? `, NPI ${r.requester.npi}` : ''}),{' '}
            {r.requester.practice?.name ?? 'no practice'} · {r.requester.email}
          </Text>
          <Text>
            <b>Requested:</b> {formatInstant(r.createdAt)} · <b>Due:</b> {formatInstant(r.dueAt)} (
            {formatDate(r.dueDate)}, {timeLeft(r.dueAt)}
            {r.overdue ? ', late' : ''}) · {r.ageBusinessDays} business days old
          </Text>
          {r.note && (
            <Text>
              <b>Note:</b> {r.note}
            </Text>
          )}
          <Text>
            <b>Assignee:</b>{' '}
            {r.assignee ? `${r.assignee.firstName ?? ''} ${r.assignee.lastName ?? ''}` : 'nobody'}
          </Text>
          {r.appliedPcpNpi && (
            <Text>
              <b>PCP set to NPI:</b> {r.appliedPcpNpi}
            </Text>
          )}
          {r.rejectionReason && (
            <Text>
              <b>Rejected because:</b> {r.rejectionReason}
            </Text>
          )}
        </Stack>
      </Card>
      <ProblemAlert error={claim.error ?? release.error} title="Not done" />
      {active && (
        <Group>
          {r.status === 'open' && (
            <Button onClick={() => claim.mutate()} loading={claim.isPending}>
              Claim
            </Button>
          )}
          {r.status === 'in_progress' && (
            <Button variant="default" onClick={() => release.mutate()} loading={release.isPending}>
              Release
            </Button>
          )}
          <ConfirmAction
            label="Reject"
            title="Reject the PCP update"
            consequence="The PCP stays unchanged and the request closes; the reason stays with the request (it is not emailed)."
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
      {r.status === 'in_progress' && <ConfirmationForm detail={r} onDone={refresh} />}
      {r.status === 'in_progress' && <CompleteForm detail={r} onDone={refresh} />}
      <History detail={r} />
    </Stack>
  );
}

function ConfirmationForm({ detail, onDone }: { detail: Detail; onDone: () => void }) {
  const c = detail.confirmation;
  const [name, setName] = useState(c?.confirmedByName ?? '');
  const [relationship, setRelationship] = useState<Relationship | null>(c?.relationship ?? null);
  const [relationshipOther, setRelationshipOther] = useState(c?.relationshipOther ?? '');
  const [method, setMethod] = useState<Method | null>(c?.method ?? null);
  const [when, setWhen] = useState(c?.confirmedAt ? c.confirmedAt.slice(0, 16) : '');
  const save = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/staff/pcp-updates/{id}/confirmation', {
          params: { path: { id: detail.id } },
          body: {
            confirmedByName: name.trim(),
            relationship: relationship!,
            ...(relationship === 'other' ? { relationshipOther: relationshipOther.trim() } : {}),
            method: method!,
            confirmedAt: new Date(when).toISOString(),
          },
        }),
      ),
    onSuccess: onDone,
  });
  const errors = fieldErrorsOf(save.error);
  return (
    <Card withBorder component="section" aria-labelledby="confirmation-title">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <Stack>
          <Title order={2} size="h3" id="confirmation-title">
            The family's confirmation
          </Title>
          {c && (
            <Text size="sm">
              Recorded {formatInstant(c.recordedAt)}: {c.confirmedByName} ({humanize(c.relationship ?? '')}
              {c.relationshipOther ? `: ${c.relationshipOther}` : ''}), by {humanize(c.method ?? '')},{' '}
              {formatInstant(c.confirmedAt)}.
            </Text>
          )}
          <ProblemAlert error={save.error} title="Confirmation not recorded" />
          <TextInput
            label="Confirmed by (name)"
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={errors.confirmedByName}
            required
          />
          <Select
            label="Relationship to the patient"
            value={relationship}
            onChange={(v) => setRelationship(v as Relationship | null)}
            data={RELATIONSHIPS.map((v) => ({ value: v, label: humanize(v) }))}
            error={errors.relationship}
            required
          />
          {relationship === 'other' && (
            <TextInput
              label="Relationship (other)"
              value={relationshipOther}
              onChange={(e) => setRelationshipOther(e.currentTarget.value)}
              error={errors.relationshipOther}
              required
            />
          )}
          <Select
            label="How"
            value={method}
            onChange={(v) => setMethod(v as Method | null)}
            data={METHODS.map((v) => ({ value: v, label: humanize(v) }))}
            error={errors.method}
            required
          />
          <TextInput
            label="When (your local time)"
            type="datetime-local"
            value={when}
            onChange={(e) => setWhen(e.currentTarget.value)}
            error={errors.confirmedAt}
            required
          />
          <Group>
            <Button
              type="submit"
              loading={save.isPending}
              disabled={!name.trim() || !relationship || !method || !when}
            >
              {c ? 'Update the confirmation' : 'Record the confirmation'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

function CompleteForm({ detail, onDone }: { detail: Detail; onDone: () => void }) {
  const practiceId = detail.requester.practice?.id;
  const practice = useQuery({
    queryKey: ['staff', 'practice', practiceId],
    enabled: !!practiceId,
    queryFn: () =>
      call<Practice>(
        api.GET('/api/v1/staff/practices/{practiceId}', { params: { path: { practiceId: practiceId! } } }),
      ),
  });
  const physicians = new Map<string, string>();
  for (const m of practice.data?.members ?? [])
    if (m.npi && m.kind === 'provider') physicians.set(m.npi, `${m.firstName} ${m.lastName} (NPI ${m.npi})`);
  for (const r of practice.data?.roster ?? [])
    if (!physicians.has(r.npi)) physicians.set(r.npi, `Roster: NPI ${r.npi}`);
  const defaultNpi = detail.pcpNpiToApply ?? detail.requester.npi ?? detail.requester.sponsor?.npi ?? null;
  const [npi, setNpi] = useState<string | null>(defaultNpi);
  const complete = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/staff/pcp-updates/{id}/complete', {
          params: { path: { id: detail.id } },
          body: npi ? { pcpNpi: npi } : {},
        }),
      ),
    onSuccess: onDone,
  });
  const chosen = npi ? (physicians.get(npi) ?? `NPI ${npi}`) : 'the requester';
  return (
    <Card withBorder component="section" aria-labelledby="complete-title">
      <Stack>
        <Title order={2} size="h3" id="complete-title">
          Complete
        </Title>
        {!detail.confirmation && <Text size="sm">Record the family's confirmation first.</Text>}
        <Select
          label="Physician the family confirmed"
          value={npi}
          onChange={setNpi}
          data={[...physicians].map(([value, label]) => ({ value, label }))}
          error={fieldErrorsOf(complete.error).pcpNpi}
          placeholder={practice.isPending ? 'Loading the practice…' : 'Choose a physician'}
          searchable
        />
        <Group>
          <ConfirmAction
            label="Complete"
            color="blue"
            title="Complete the PCP update"
            consequence={`${detail.patient.firstName} ${detail.patient.lastName}'s PCP becomes ${chosen}; the EHR is told and ${detail.requester.firstName} ${detail.requester.lastName} can open the record.`}
            confirmLabel="Complete the update"
            onConfirm={() => complete.mutateAsync()}
            pending={complete.isPending}
            error={complete.error}
            disabled={!detail.confirmation}
          />
        </Group>
      </Stack>
    </Card>
  );
}

function History({ detail }: { detail: Detail }) {
  return (
    <section aria-labelledby="history-title">
      <Title order={2} size="h3" id="history-title">
        History
      </Title>
      <Table>
        <caption className="visually-hidden">History of the request</caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">When</Table.Th>
            <Table.Th scope="col">What</Table.Th>
            <Table.Th scope="col">Who</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {detail.history.map((h) => (
            <Table.Tr key={h.id}>
              <Table.Td>{formatInstant(h.at)}</Table.Td>
              <Table.Td>{humanize(h.type)}</Table.Td>
              <Table.Td>{h.actorName ?? '—'}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </section>
  );
}
