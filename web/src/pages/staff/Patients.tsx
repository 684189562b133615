import { Button, Card, Group, Stack, Tabs, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { components } from '../../api/schema';
import { ConfirmAction } from '../../components/ConfirmAction';
import { DataTable } from '../../components/DataTable';
import { ListState, useCursorList } from '../../components/Lists';
import { fieldErrorsOf, ProblemAlert } from '../../components/ProblemAlert';
import { formatDate, formatInstant, humanize } from '../../lib/format';
import { useTitle } from '../../lib/useTitle';
import { StatusBadge, useRoles } from '../../staff/common';

type Patient = components['schemas']['PatientIdentityDto'];
type Lookup = components['schemas']['StaffPatientLookupDto'];
type AccessLogItem = components['schemas']['AccessLogItemDto'];
type AccessLogPage = components['schemas']['AccessLogPageDto'];
type Grant = components['schemas']['GrantViewDto'];
type GrantPage = components['schemas']['GrantViewPageDto'];
type Disclosure = components['schemas']['DisclosureDto'];
type DisclosurePage = components['schemas']['DisclosurePageDto'];
type Person = components['schemas']['AuditPersonDto'];

/** "Dana Reyes (provider, NPI 1234567893, Maple Grove Pediatrics)". */
export function personLabel(p: Person): string {
  const more = [p.kind, p.npi && `NPI ${p.npi}`, p.practice?.name].filter(Boolean).join(', ');
  return `${p.name} (${more})`;
}

const BASIS: Record<string, string> = {
  pcp_practice: 'PCP practice',
  care_team: 'Care team',
  approved_request: 'Approved request',
  token: 'Invitation token',
};
const basisLabel = (basis: string | null | undefined) => (basis ? (BASIS[basis] ?? humanize(basis)) : '—');

/** A grant's state now: revoked, expired or active (`expiresAt` is the first instant it no longer applies). */
export function grantState(g: Grant, now = Date.now()): 'active' | 'revoked' | 'expired' {
  if (g.revokedAt && g.revokedBy) return 'revoked';
  if (g.revokedAt || new Date(g.expiresAt).getTime() <= now) return 'expired';
  return 'active';
}

/**
 * Patients (issue 20): an audited look-up by MRN (`GET /staff/patients?mrn=`), then the patient's
 * access log (team or privacy), personal grants with revoke (team) and accounting of disclosures
 * (privacy). The MRN stays in component state: never in the address bar or the page title.
 */
export default function PatientsPage() {
  useTitle('Patients');
  const [draft, setDraft] = useState('');
  const [mrn, setMrn] = useState<string | null>(null);
  const lookup = useQuery({
    queryKey: ['staff', 'patient-lookup', mrn],
    enabled: mrn !== null,
    queryFn: () => call<Lookup>(api.GET('/api/v1/staff/patients', { params: { query: { mrn: mrn ?? '' } } })),
    select: (page) => page.items[0],
    staleTime: 0,
  });
  const patient = lookup.data;
  return (
    <Stack maw={1200}>
      <Title order={1}>Patients</Title>
      <form
        role="search"
        aria-label="Look up a patient"
        onSubmit={(e) => {
          e.preventDefault();
          setMrn(draft.trim());
        }}
      >
        <Stack gap="xs" maw={480}>
          <Group align="flex-end">
            <TextInput
              label="Patient MRN"
              value={draft}
              onChange={(e) => setDraft(e.currentTarget.value)}
              error={fieldErrorsOf(lookup.error).mrn}
              autoComplete="off"
              required
              w={260}
            />
            <Button type="submit" disabled={!draft.trim()} loading={lookup.isFetching}>
              Look up
            </Button>
          </Group>
          <Text size="sm">Every look-up and every list shown here is recorded in the audit trail.</Text>
        </Stack>
      </form>
      {lookup.isError && <ProblemAlert error={lookup.error} title="No patient shown" />}
      {patient && <PatientPanel key={patient.patientId} patient={patient} />}
    </Stack>
  );
}

function PatientPanel({ patient }: { patient: Patient }) {
  const roles = useRoles();
  const team = roles.has('team');
  const privacy = roles.has('privacy');
  const name = `${patient.lastName}, ${patient.firstName}`;
  return (
    <Stack>
      <Card withBorder component="section" aria-labelledby="patient-title">
        <Title order={2} size="h3" id="patient-title">
          {name}
        </Title>
        <Text>
          <b>MRN:</b> {patient.mrn} · <b>Date of birth:</b> {formatDate(patient.dob)} · <b>Patient id:</b>{' '}
          <code>{patient.patientId}</code>
        </Text>
      </Card>
      <Tabs defaultValue="log" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="log">Access log</Tabs.Tab>
          {team && <Tabs.Tab value="grants">Personal grants</Tabs.Tab>}
          {privacy && <Tabs.Tab value="disclosures">Accounting of disclosures</Tabs.Tab>}
        </Tabs.List>
        <Tabs.Panel value="log" pt="md">
          <AccessLog patientId={patient.patientId} />
        </Tabs.Panel>
        {team && (
          <Tabs.Panel value="grants" pt="md">
            <Grants patient={patient} />
          </Tabs.Panel>
        )}
        {privacy && (
          <Tabs.Panel value="disclosures" pt="md">
            <Disclosures patientId={patient.patientId} />
          </Tabs.Panel>
        )}
      </Tabs>
    </Stack>
  );
}

function AccessLog({ patientId }: { patientId: string }) {
  const list = useCursorList<AccessLogItem>(['staff', 'access-log', patientId], (cursor) =>
    call<AccessLogPage>(
      api.GET('/api/v1/staff/patients/{patientId}/access-log', {
        params: { path: { patientId }, query: { cursor, limit: 50 } },
      }),
    ),
  );
  return (
    <Stack gap="xs">
      <Text size="sm">Who looked at this record and when, newest first: outside users and staff.</Text>
      <ListState query={list} what="access log entries" empty="Nobody has looked at this record yet.">
        {(items) => (
          <DataTable
            caption="Access log"
            minWidth={820}
            rows={items}
            rowKey={(e, i) => `${e.at}-${i}`}
            columns={[
              { header: 'When', cell: (e) => formatInstant(e.at) },
              { header: 'Who', cell: (e) => personLabel(e.user) },
              { header: 'Action', cell: (e) => e.action },
              { header: 'Basis', cell: (e) => basisLabel(e.basis) },
              { header: 'Outcome', cell: (e) => humanize(e.outcome) },
            ]}
          />
        )}
      </ListState>
    </Stack>
  );
}

function Grants({ patient }: { patient: Patient }) {
  const queryClient = useQueryClient();
  const key = ['staff', 'grants', patient.patientId];
  const list = useCursorList<Grant>(key, (cursor) =>
    call<GrantPage>(
      api.GET('/api/v1/staff/patients/{patientId}/access-grants', {
        params: { path: { patientId: patient.patientId }, query: { cursor, limit: 50 } },
      }),
    ),
  );
  const revoke = useMutation({
    mutationFn: (id: string) =>
      call(api.DELETE('/api/v1/staff/access-grants/{id}', { params: { path: { id } } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: key });
      void queryClient.invalidateQueries({ queryKey: ['staff', 'access-log', patient.patientId] });
    },
  });
  const name = `${patient.firstName} ${patient.lastName}`;
  return (
    <Stack gap="xs">
      <Text size="sm">
        Access given to one person: an approved non-PCP request or a validated invitation token. PCP practice
        and care-team access follow the EHR and are not listed here.
      </Text>
      {revoke.isSuccess && <Text role="status">The grant was revoked.</Text>}
      <ListState query={list} what="personal grants" empty="This patient has no personal grant.">
        {(items) => (
          <DataTable
            caption="Personal grants"
            minWidth={860}
            rows={items}
            rowKey={(g) => g.id}
            columns={[
              {
                header: 'Who',
                cell: (g) => (
                  <>
                    {g.userName}
                    <Text size="xs" c="dimmed">
                      {g.userEmail}
                    </Text>
                  </>
                ),
              },
              { header: 'Basis', cell: (g) => basisLabel(g.basis) },
              { header: 'Granted', cell: (g) => formatInstant(g.createdAt) },
              { header: 'Expires', cell: (g) => formatInstant(g.expiresAt) },
              {
                header: 'Status',
                cell: (g) => (
                  <>
                    <StatusBadge status={grantState(g)} />
                    {grantState(g) === 'revoked' && g.revokedAt && (
                      <Text size="xs">{formatInstant(g.revokedAt)}</Text>
                    )}
                  </>
                ),
              },
              {
                header: 'Actions',
                hideHeader: true,
                cell: (g) =>
                  grantState(g) === 'active' && (
                    <ConfirmAction
                      label="Revoke"
                      buttonLabel={`Revoke the grant of ${g.userName}`}
                      title="Revoke the personal grant"
                      consequence={`${g.userName} can no longer open ${name}'s record through this grant (${basisLabel(g.basis).toLowerCase()}), from their next request. Access they have as the PCP practice or care team is not affected. The revocation is recorded in the audit trail and cannot be undone: they would need a new approval or invitation.`}
                      confirmLabel="Revoke the grant"
                      onConfirm={() => revoke.mutateAsync(g.id)}
                      pending={revoke.isPending}
                      error={revoke.error}
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

function Disclosures({ patientId }: { patientId: string }) {
  // Empty: the server's defaults (the last six years, to today), in the server's hospital date.
  const [draft, setDraft] = useState({ from: '', to: '' });
  const [range, setRange] = useState(draft);
  const list = useCursorList<Disclosure>(['staff', 'disclosures', patientId, range], (cursor) =>
    call<DisclosurePage>(
      api.GET('/api/v1/staff/patients/{patientId}/disclosures', {
        params: {
          path: { patientId },
          query: { from: range.from || undefined, to: range.to || undefined, cursor, limit: 50 },
        },
      }),
    ),
  );
  const errors = fieldErrorsOf(list.error);
  return (
    <Stack gap="xs">
      <Text size="sm">
        Every successful view, document list, granted search match and “My patients” listing of this record by
        an outside user (staff reads are in the access log, not here). Hospital dates, both inclusive; left
        empty, the last six years.
      </Text>
      <form
        aria-label="Disclosure dates"
        onSubmit={(e) => {
          e.preventDefault();
          setRange(draft);
        }}
      >
        <Group align="flex-end">
          <TextInput
            label="From (hospital date)"
            type="date"
            w={170}
            value={draft.from}
            onChange={(e) => setDraft({ ...draft, from: e.currentTarget.value })}
            error={errors.from}
          />
          <TextInput
            label="To (hospital date)"
            type="date"
            w={170}
            value={draft.to}
            onChange={(e) => setDraft({ ...draft, to: e.currentTarget.value })}
            error={errors.to}
          />
          <Button type="submit" variant="default">
            Show
          </Button>
        </Group>
      </form>
      <ListState query={list} what="disclosures" empty="No disclosure in these dates.">
        {(items) => (
          <DataTable
            caption="Accounting of disclosures"
            minWidth={720}
            rows={items}
            rowKey={(d, i) => `${d.at}-${i}`}
            columns={[
              { header: 'When', cell: (d) => formatInstant(d.at) },
              { header: 'Who', cell: (d) => personLabel(d.user) },
              { header: 'What', cell: (d) => d.action },
              { header: 'Basis', cell: (d) => basisLabel(d.basis) },
            ]}
          />
        )}
      </ListState>
    </Stack>
  );
}
