import { Button, Group, Select, Stack, Tabs, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call, refreshSession } from '../../api/client';
import { fieldErrorsOf } from '../../components/ProblemAlert';
import { formatInstant, humanize } from '../../lib/format';
import { useTitle } from '../../lib/useTitle';
import { ConfirmAction } from '../../components/ConfirmAction';
import { DataTable } from '../../components/DataTable';
import { ListState, useCursorList } from '../../components/Lists';
import { hospitalToday, StatusBadge } from '../../staff/common';

interface Person {
  id: string;
  name: string;
  kind: string;
  npi?: string;
}
interface AuditEvent {
  id: string;
  at: string;
  user: Person | null;
  action: string;
  patientId: string | null;
  basis: string | null;
  outcome: string;
  details: Record<string, unknown>;
}
interface Alert {
  id: string;
  at: string;
  kind: string;
  userId: string;
  summary: string;
  status: string;
}
interface Paged<T> {
  items: T[];
  nextCursor: string | null;
}

interface Filters {
  patientId: string;
  userId: string;
  action: string;
  outcome: string;
  from: string;
  to: string;
}

function yearAgo(): string {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() - 30);
  return hospitalToday(d);
}

export default function PrivacyPage() {
  useTitle('Privacy');
  return (
    <Stack maw={1200}>
      <Title order={1}>Privacy</Title>
      <Tabs defaultValue="audit" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="audit">Audit search</Tabs.Tab>
          <Tabs.Tab value="viewed">What one user viewed</Tabs.Tab>
          <Tabs.Tab value="alerts">Alerts</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="audit" pt="md">
          <AuditSearch />
        </Tabs.Panel>
        <Tabs.Panel value="viewed" pt="md">
          <AuditSearch byUser />
        </Tabs.Panel>
        <Tabs.Panel value="alerts" pt="md">
          <Alerts />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

type AuditQuery = { [K in keyof Filters]?: string } & { outcome?: 'success' | 'denied' | 'failure' };

function queryOf(f: Filters): AuditQuery {
  const q: Record<string, string> = {};
  for (const [k, v] of Object.entries(f)) if (v.trim()) q[k] = v.trim();
  return q as AuditQuery;
}

/** The audit search; `byUser`: everything one user viewed (their successful patient reads). */
function AuditSearch({ byUser = false }: { byUser?: boolean }) {
  const empty: Filters = {
    patientId: '',
    userId: '',
    action: byUser ? 'patient.' : '',
    outcome: byUser ? 'success' : '',
    from: yearAgo(),
    to: hospitalToday(),
  };
  const [draft, setDraft] = useState<Filters>(empty);
  const [filters, setFilters] = useState<Filters | null>(null);
  const [csvError, setCsvError] = useState<string | null>(null);
  const list = useCursorList<AuditEvent>(['staff', 'audit', byUser, filters], (cursor) =>
    call<Paged<AuditEvent>>(
      api.GET('/api/v1/staff/audit-events', {
        params: {
          query: { ...queryOf(filters ?? empty), cursor, limit: 50 },
          header: { accept: 'application/json' },
        },
      }),
    ),
  );
  const field = (k: keyof Filters, label: string, type = 'text') => (
    <TextInput
      label={label}
      type={type}
      value={draft[k]}
      onChange={(e) => setDraft({ ...draft, [k]: e.currentTarget.value })}
      w={type === 'date' ? 170 : 240}
      error={fieldErrorsOf(list.error)[k]}
    />
  );
  const download = async () => {
    setCsvError(null);
    // The CSV goes through fetch with the in-memory token, then to a blob: no token in a URL.
    const params = new URLSearchParams(queryOf(draft));
    const res = await api.GET('/api/v1/staff/audit-events', {
      params: { query: queryOf(draft), header: { accept: 'text/csv' } },
      parseAs: 'blob',
    });
    if (!res.response.ok) {
      if (res.response.status === 401) await refreshSession();
      setCsvError(
        `The export was refused (${res.response.status}). From and to are required, at most 366 days apart.`,
      );
      return;
    }
    const url = URL.createObjectURL(res.data as unknown as Blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = `audit-${params.get('from') ?? ''}-${params.get('to') ?? ''}.csv`;
    document.body.append(a);
    a.click();
    a.remove();
    URL.revokeObjectURL(url);
  };
  return (
    <Stack>
      <form
        role="search"
        aria-label={byUser ? 'What one user viewed' : 'Audit search'}
        onSubmit={(e) => {
          e.preventDefault();
          setFilters(draft);
        }}
      >
        <Group align="flex-end">
          {byUser ? field('userId', 'User id') : field('patientId', 'Patient id')}
          {!byUser && field('userId', 'User id')}
          {!byUser && field('action', 'Action (exact, or a prefix ending in .)')}
          {!byUser && (
            <Select
              label="Outcome"
              clearable
              w={160}
              value={draft.outcome || null}
              onChange={(v) => setDraft({ ...draft, outcome: v ?? '' })}
              data={['success', 'denied', 'failure'].map((v) => ({ value: v, label: humanize(v) }))}
            />
          )}
          {field('from', 'From (hospital date)', 'date')}
          {field('to', 'To (hospital date)', 'date')}
          <Button type="submit" disabled={byUser && !draft.userId.trim()}>
            Search
          </Button>
          <Button variant="default" onClick={() => void download()}>
            Download CSV
          </Button>
        </Group>
      </form>
      {csvError && (
        <Text c="red.9" role="alert">
          {csvError}
        </Text>
      )}
      {filters ? (
        <ListState query={list} what="audit events" empty="No audit event matches.">
          {(items) => (
            <DataTable
              caption="Audit events"
              minWidth={900}
              rows={items}
              rowKey={(e) => e.id}
              columns={[
                { header: 'When', cell: (e) => formatInstant(e.at) },
                { header: 'Who', cell: (e) => (e.user ? `${e.user.name} (${e.user.kind})` : '—') },
                { header: 'Action', cell: (e) => e.action },
                { header: 'Patient', cell: (e) => e.patientId ?? '—' },
                { header: 'Basis', cell: (e) => e.basis ?? '—' },
                { header: 'Outcome', cell: (e) => e.outcome },
              ]}
            />
          )}
        </ListState>
      ) : (
        <Text size="sm">Choose the filters, then search. Dates are hospital dates, both inclusive.</Text>
      )}
    </Stack>
  );
}

function Alerts() {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<'open' | 'resolved'>('open');
  const list = useCursorList<Alert>(['staff', 'alerts', status], (cursor) =>
    call<Paged<Alert>>(api.GET('/api/v1/staff/alerts', { params: { query: { status, cursor, limit: 50 } } })),
  );
  const [note, setNote] = useState('');
  const resolve = useMutation({
    mutationFn: (id: string) =>
      call(
        api.POST('/api/v1/staff/alerts/{id}/resolve', {
          params: { path: { id } },
          body: note.trim() ? { note: note.trim() } : {},
        }),
      ),
    onSuccess: () => {
      setNote('');
      void queryClient.invalidateQueries({ queryKey: ['staff', 'alerts'] });
    },
  });
  return (
    <Stack>
      <Select
        label="Status"
        maw={200}
        value={status}
        allowDeselect={false}
        onChange={(v) => setStatus((v ?? 'open') as 'open' | 'resolved')}
        data={[
          { value: 'open', label: 'Open' },
          { value: 'resolved', label: 'Resolved' },
        ]}
      />
      <ListState query={list} what="alerts" empty="No alert in this status.">
        {(items) => (
          <DataTable
            caption="Privacy alerts"
            minWidth={720}
            rows={items}
            rowKey={(a) => a.id}
            columns={[
              { header: 'When', cell: (a) => formatInstant(a.at) },
              { header: 'Kind', cell: (a) => humanize(a.kind) },
              { header: 'Summary', cell: (a) => a.summary },
              { header: 'Status', cell: (a) => <StatusBadge status={a.status} /> },
              {
                header: 'Actions',
                hideHeader: true,
                cell: (a) =>
                  a.status === 'open' && (
                    <ConfirmAction
                      label="Resolve"
                      color="blue"
                      buttonLabel={`Resolve the alert: ${a.summary}`}
                      title="Resolve the alert"
                      consequence="The alert leaves the open list, with your name and note."
                      onConfirm={() => resolve.mutateAsync(a.id)}
                      pending={resolve.isPending}
                      error={resolve.error}
                    >
                      <Textarea
                        label="Note (optional)"
                        value={note}
                        onChange={(e) => setNote(e.currentTarget.value)}
                      />
                    </ConfirmAction>
                  ),
              },
            ]}
          />
        )}
      </ListState>
    </Stack>
  );
}
