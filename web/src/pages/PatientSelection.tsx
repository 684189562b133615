import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  Modal,
  Radio,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api, call } from '../api/client';
import { ApiError, messageFor } from '../api/problem';
import type { AccessRequest, Page, PatientMatch, PendingRequest } from '../api/types';
import { fieldErrorsOf, ProblemAlert } from '../components/ProblemAlert';
import { BASIS_LABEL, formatDate } from '../lib/format';
import { useTitle } from '../lib/useTitle';

type Mode = 'mrn' | 'name';
type Search = { mrn: string } | { lastName: string; firstName: string; dob: string };

/**
 * Patient Selection (home): search by MRN, or last name + first name + date of birth. The terms
 * stay in component state (never in the address bar, the title or storage).
 */
export function PatientSelectionPage() {
  useTitle('Patient Selection');
  const [mode, setMode] = useState<Mode>('mrn');
  const [mrn, setMrn] = useState('');
  const [lastName, setLastName] = useState('');
  const [firstName, setFirstName] = useState('');
  const [dob, setDob] = useState('');
  const [search, setSearch] = useState<Search | null>(null);
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});

  const results = useQuery({
    queryKey: ['patient-search', search],
    enabled: search !== null,
    queryFn: () =>
      call<Page<PatientMatch>>(api.GET('/api/v1/patients', { params: { query: search ?? undefined } })),
    staleTime: 0,
    gcTime: 0,
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errors: Record<string, string> = {};
    if (mode === 'mrn') {
      if (!mrn.trim()) errors.mrn = 'Enter the MRN.';
    } else {
      if (!lastName.trim()) errors.lastName = 'Enter the last name.';
      if (!firstName.trim()) errors.firstName = 'Enter the first name.';
      if (!dob) errors.dob = 'Enter the date of birth.';
    }
    setLocalErrors(errors);
    if (Object.keys(errors).length) return;
    setSearch(
      mode === 'mrn' ? { mrn: mrn.trim() } : { lastName: lastName.trim(), firstName: firstName.trim(), dob },
    );
  };
  const errors = { ...fieldErrorsOf(results.error), ...localErrors };

  return (
    <Stack maw={880}>
      <Title order={1}>Patient Selection</Title>
      <form onSubmit={submit} noValidate aria-label="Find a patient">
        <Stack>
          <Radio.Group value={mode} onChange={(v) => setMode(v as Mode)} label="Search by">
            <Group gap="lg" mt={4}>
              <Radio value="mrn" label="MRN" />
              <Radio value="name" label="Name and date of birth" />
            </Group>
          </Radio.Group>
          {mode === 'mrn' ? (
            <TextInput
              label="MRN"
              value={mrn}
              onChange={(e) => setMrn(e.currentTarget.value)}
              error={errors.mrn}
              autoComplete="off"
              maw={320}
              required
            />
          ) : (
            <SimpleGrid cols={{ base: 1, sm: 3 }}>
              <TextInput
                label="Last name"
                value={lastName}
                onChange={(e) => setLastName(e.currentTarget.value)}
                error={errors.lastName}
                autoComplete="off"
                required
              />
              <TextInput
                label="First name"
                value={firstName}
                onChange={(e) => setFirstName(e.currentTarget.value)}
                error={errors.firstName}
                autoComplete="off"
                required
              />
              <TextInput
                label="Date of birth"
                type="date"
                value={dob}
                onChange={(e) => setDob(e.currentTarget.value)}
                error={errors.dob}
                required
              />
            </SimpleGrid>
          )}
          <Group>
            <Button type="submit" loading={results.isFetching}>
              Search
            </Button>
          </Group>
        </Stack>
      </form>
      <section aria-label="Search results" aria-live="polite">
        {results.isError &&
          !(results.error instanceof ApiError && results.error.code === 'validation_failed') && (
            <ProblemAlert error={results.error} title="The search did not work" />
          )}
        {results.isSuccess && results.data.items.length === 0 && (
          <Alert color="gray" title="No patient found" role="status">
            No patient matches. Check the MRN, or the spelling of the names and the date of birth.
          </Alert>
        )}
        {results.isSuccess && results.data.items.length > 0 && (
          <Stack>
            <Text size="sm">
              {results.data.items.length === 1 ? '1 match' : `${results.data.items.length} matches`}
            </Text>
            {results.data.items.map((match) =>
              match.access === 'granted' ? (
                <GrantedMatch key={match.patientId} match={match} />
              ) : (
                <NotAuthorizedMatch key={match.patientId} match={match} />
              ),
            )}
          </Stack>
        )}
      </section>
    </Stack>
  );
}

function GrantedMatch({ match }: { match: Extract<PatientMatch, { access: 'granted' }> }) {
  return (
    <Card withBorder>
      <Group justify="space-between" wrap="wrap">
        <Stack gap={2}>
          <Text fw={700} size="lg">
            {match.lastName}, {match.firstName}
          </Text>
          <Text size="sm">
            MRN {match.mrn} · Born {formatDate(match.dob)}
          </Text>
          <Text size="sm" c="dimmed">
            {BASIS_LABEL[match.basis] ?? match.basis}
          </Text>
        </Stack>
        <Button
          component={Link}
          to={`/patients/${match.patientId}`}
          aria-label={`Open record of ${match.firstName} ${match.lastName}`}
        >
          Open record
        </Button>
      </Group>
    </Card>
  );
}

type RequestKind = 'pcp' | 'non_pcp';

export function NotAuthorizedMatch({
  match,
}: {
  match: Extract<PatientMatch, { access: 'not_authorized' }>;
}) {
  const [pending, setPending] = useState<PendingRequest[]>(match.pendingRequests ?? []);
  const [asking, setAsking] = useState<RequestKind | null>(null);
  const isPending = (kind: RequestKind) => pending.some((p) => p.kind === kind);
  const canPcp = match.actions.includes('request_pcp_access') && !isPending('pcp');
  const canNonPcp = match.actions.includes('request_non_pcp_access') && !isPending('non_pcp');

  return (
    <Card withBorder>
      <Stack gap="xs">
        <Text fw={700}>A patient matches, but you are not authorized to see their record.</Text>
        <Text size="sm">
          If you are this patient’s primary care provider, ask the MyPatients team to record your practice as
          the PCP. Otherwise, ask the family for access through the patient portal.
        </Text>
        {pending.map((p) => (
          <Group key={p.id} gap="xs">
            <Badge color="dark" variant="outline">
              Pending
            </Badge>
            <Text size="sm">
              {p.kind === 'pcp'
                ? 'Your PCP access request is pending.'
                : 'Your non-PCP access request is waiting for the family.'}
            </Text>
          </Group>
        ))}
        {!match.portalAccount && !isPending('non_pcp') && (
          <Text size="sm" c="dimmed">
            This patient has no patient-portal account, so the family cannot be asked for non-PCP access.
          </Text>
        )}
        <Group>
          {canPcp && <Button onClick={() => setAsking('pcp')}>Request PCP access</Button>}
          {canNonPcp && (
            <Button variant="outline" onClick={() => setAsking('non_pcp')}>
              Request non-PCP access
            </Button>
          )}
        </Group>
      </Stack>
      <Modal
        opened={asking !== null}
        onClose={() => setAsking(null)}
        title={asking === 'pcp' ? 'Request PCP access' : 'Request non-PCP access'}
      >
        {asking && (
          <RequestForm
            kind={asking}
            patientId={match.patientId}
            onDone={(request) => {
              setPending((p) => [...p, { kind: asking, id: request.id, status: request.status }]);
              setAsking(null);
            }}
          />
        )}
      </Modal>
    </Card>
  );
}

function RequestForm({
  kind,
  patientId,
  onDone,
}: {
  kind: RequestKind;
  patientId: string;
  onDone: (r: AccessRequest) => void;
}) {
  const [text, setText] = useState('');
  const queryClient = useQueryClient();
  const mutation = useMutation({
    mutationFn: () =>
      kind === 'pcp'
        ? call<AccessRequest>(
            api.POST('/api/v1/patients/{patientId}/pcp-access-requests', {
              params: { path: { patientId } },
              body: text.trim() ? { note: text.trim() } : {},
            }),
          )
        : call<AccessRequest>(
            api.POST('/api/v1/patients/{patientId}/access-requests', {
              params: { path: { patientId } },
              body: text.trim() ? { reason: text.trim() } : {},
            }),
          ),
    onSuccess: (request) => {
      void queryClient.invalidateQueries({ queryKey: ['my-requests'] });
      onDone(request);
    },
  });
  const error = mutation.error instanceof ApiError ? mutation.error : null;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        mutation.mutate();
      }}
    >
      <Stack>
        <Text size="sm">
          {kind === 'pcp'
            ? 'The MyPatients team will contact the family to confirm that your practice is the PCP (target: 2–3 business days). You will be emailed the outcome.'
            : 'The patient or guardian will be asked in the patient portal. You will be emailed when they decide. The request expires after 30 days.'}
        </Text>
        {error && (
          <Alert color="red" role="alert" title="Request not sent">
            {messageFor(error)}
          </Alert>
        )}
        <Textarea
          label={
            kind === 'pcp' ? 'Note for the MyPatients team (optional)' : 'Reason for the family (optional)'
          }
          description="Do not write clinical details here."
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          maxLength={1000}
          autosize
          minRows={2}
          error={fieldErrorsOf(mutation.error)[kind === 'pcp' ? 'note' : 'reason']}
        />
        <Button type="submit" loading={mutation.isPending}>
          Send request
        </Button>
        {mutation.data && (
          <Anchor component={Link} to="/requests">
            See my requests
          </Anchor>
        )}
      </Stack>
    </form>
  );
}
