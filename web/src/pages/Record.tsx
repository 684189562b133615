import {
  Alert,
  Anchor,
  Button,
  Card,
  Group,
  Loader,
  SimpleGrid,
  Stack,
  Tabs,
  Text,
  Title,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, call } from '../api/client';
import { ApiError } from '../api/problem';
import type { Category, DocumentPage, PatientRecord } from '../api/types';
import { ProblemAlert } from '../components/ProblemAlert';
import { StructuredBody } from '../components/StructuredBody';
import { BASIS_LABEL, formatDate, formatInstant } from '../lib/format';
import { useTitle } from '../lib/useTitle';

export const SECTIONS: Array<{ category: Category; label: string }> = [
  { category: 'encounter', label: 'Encounters' },
  { category: 'appointment', label: 'Appointments' },
  { category: 'result', label: 'Results' },
  { category: 'note', label: 'Notes and reports' },
  { category: 'medication', label: 'Medications' },
  { category: 'allergy', label: 'Allergies' },
  { category: 'problem', label: 'Problems' },
];
const PAGE_SIZE = 20;

/** The record (`/patients/:patientId`: the opaque id, never the MRN or a name, in the address). */
export default function RecordPage() {
  useTitle('Patient record');
  const { patientId = '' } = useParams();
  const [tab, setTab] = useState<Category>('encounter');
  const record = useQuery({
    queryKey: ['patient', patientId],
    queryFn: () =>
      call<PatientRecord>(api.GET('/api/v1/patients/{patientId}', { params: { path: { patientId } } })),
  });

  if (record.isPending) {
    return (
      <Group role="status">
        <Loader size="sm" aria-label="Loading the record" />
      </Group>
    );
  }
  if (record.isError) {
    const e = record.error instanceof ApiError ? record.error : null;
    return (
      <Stack maw={640}>
        <Title order={1}>Patient record</Title>
        {e?.status === 403 ? (
          <Alert color="orange" title="Not authorized" role="alert">
            You are not authorized to see this record. Search for the patient on Patient Selection to request
            access.
          </Alert>
        ) : e?.status === 404 ? (
          <Alert color="gray" title="Not found" role="alert">
            There is no such record.
          </Alert>
        ) : (
          <ProblemAlert error={record.error} title="The record could not be loaded" />
        )}
        <Anchor component={Link} to="/">
          Back to Patient Selection
        </Anchor>
      </Stack>
    );
  }
  const p = record.data;
  return (
    <Stack>
      <Card withBorder>
        <Stack gap="xs">
          <Title order={1} size="h2">
            {p.lastName}, {p.firstName}
          </Title>
          <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="xs">
            <Field label="MRN" value={p.mrn} />
            <Field label="Date of birth" value={formatDate(p.dob)} />
            <Field label="PCP" value={p.pcp ? `${p.pcp.name ?? 'NPI'} (${p.pcp.npi})` : 'None recorded'} />
            <Field label="Your access" value={BASIS_LABEL[p.basis] ?? p.basis} />
          </SimpleGrid>
          <Field
            label="Care team"
            value={
              p.careTeam.length
                ? p.careTeam
                    .map((m) => (typeof m === 'string' ? m : m.name ? `${m.name} (${m.npi})` : m.npi))
                    .join(', ')
                : 'None recorded'
            }
          />
        </Stack>
      </Card>
      <Tabs value={tab} onChange={(v) => v && setTab(v as Category)} keepMounted={false}>
        <Tabs.List aria-label="Record sections" style={{ flexWrap: 'wrap' }}>
          {SECTIONS.map((s) => (
            <Tabs.Tab key={s.category} value={s.category}>
              {s.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {SECTIONS.map((s) => (
          <Tabs.Panel key={s.category} value={s.category} pt="md">
            <DocumentList patientId={patientId} category={s.category} label={s.label} />
          </Tabs.Panel>
        ))}
      </Tabs>
    </Stack>
  );
}

function Field({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed" component="div">
        {label}
      </Text>
      <Text size="sm" component="div">
        {value}
      </Text>
    </div>
  );
}

export function DocumentList({
  patientId,
  category,
  label,
}: {
  patientId: string;
  category: Category;
  label: string;
}) {
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const docs = useQuery({
    queryKey: ['documents', patientId, category, cursor],
    queryFn: () =>
      call<DocumentPage>(
        api.GET('/api/v1/patients/{patientId}/documents', {
          params: {
            path: { patientId },
            query: { category, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) },
          },
        }),
      ),
  });
  if (docs.isPending) return <Loader size="sm" aria-label={`Loading ${label.toLowerCase()}`} />;
  if (docs.isError) return <ProblemAlert error={docs.error} title={`${label} could not be loaded`} />;
  const { items, nextCursor, withheld } = docs.data;
  return (
    <Stack>
      {withheld ? (
        <Alert color="gray" role="note">
          {withheld === 1
            ? '1 restricted document is not shown.'
            : `${withheld} restricted documents are not shown.`}
        </Alert>
      ) : null}
      {items.length === 0 && (
        <Text>{cursors.length > 1 ? 'No more documents.' : `No ${label.toLowerCase()} on record.`}</Text>
      )}
      {items.map((d) => (
        <Card withBorder key={d.id} component="article" aria-labelledby={`doc-${d.id}`}>
          <Stack gap="xs">
            <Group justify="space-between" wrap="wrap">
              <Title order={2} size="h4" id={`doc-${d.id}`}>
                {d.title}
              </Title>
              <Text size="sm" c="dimmed">
                {formatInstant(d.occurredAt)}
              </Text>
            </Group>
            <StructuredBody body={d.body} title={d.title} />
          </Stack>
        </Card>
      ))}
      {(cursors.length > 1 || nextCursor) && (
        <Group>
          <Button
            variant="default"
            disabled={cursors.length <= 1}
            onClick={() => setCursors((c) => c.slice(0, -1))}
          >
            Previous page
          </Button>
          <Text size="sm">Page {cursors.length}</Text>
          <Button
            variant="default"
            disabled={!nextCursor}
            onClick={() => nextCursor && setCursors((c) => [...c, nextCursor])}
          >
            Next page
          </Button>
        </Group>
      )}
    </Stack>
  );
}
