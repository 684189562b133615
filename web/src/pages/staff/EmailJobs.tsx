import { Button, Group, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { components } from '../../api/schema';
import { fieldErrorsOf, ProblemAlert } from '../../components/ProblemAlert';
import { formatDate, formatInstant } from '../../lib/format';
import { useTitle } from '../../lib/useTitle';
import { ConfirmAction } from '../../components/ConfirmAction';
import { DataTable } from '../../components/DataTable';
import { ListState, useCursorList } from '../../components/Lists';
import { hospitalToday, StatusBadge } from '../../staff/common';

type Notification = components['schemas']['NotificationSummaryDto'];
type NotificationPage = components['schemas']['NotificationPageDto'];
type JobName = components['schemas']['JobRunResultDto']['job'];
type JobRun = components['schemas']['JobRunResultDto'];
interface JobStatus {
  name: JobName;
  lastRunAt: string | null;
  lastAsOf: string | null;
  lastAffected: number | null;
  lastStatus: 'succeeded' | 'failed' | null;
}

const JOBS: JobName[] = [
  'sponsor-validation-open',
  'sponsor-validation-remind',
  'sponsor-validation-enforce',
  'access-request-expiry',
  'access-grant-expiry',
  'pcp-update-overdue',
];

export default function EmailJobsPage() {
  useTitle('Email and jobs');
  const queryClient = useQueryClient();
  const failed = useCursorList<Notification>(['staff', 'notifications', 'failed'], (cursor) =>
    call<NotificationPage>(
      api.GET('/api/v1/staff/notifications', { params: { query: { status: 'failed', cursor, limit: 50 } } }),
    ),
  );
  const retry = useMutation({
    mutationFn: (id: string) =>
      call(api.POST('/api/v1/staff/notifications/{id}/retry', { params: { path: { id } } })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['staff', 'notifications'] }),
  });
  return (
    <Stack maw={1100}>
      <Title order={1}>Email and jobs</Title>
      <section aria-labelledby="failed-title">
        <Stack>
          <Title order={2} id="failed-title">
            Failed emails
          </Title>
          <ProblemAlert error={retry.error} title="Not retried" />
          <ListState query={failed} what="failed emails" empty="No email failed.">
            {(items) => (
              <DataTable
                caption="Failed emails"
                minWidth={720}
                rows={items}
                rowKey={(n) => n.id}
                columns={[
                  { header: 'Template', cell: (n) => n.template },
                  { header: 'Recipient', cell: (n) => n.recipient },
                  { header: 'Failed', cell: (n) => formatInstant(n.failedAt) },
                  { header: 'Attempts', cell: (n) => n.attempts },
                  { header: 'Error', cell: (n) => n.lastError ?? '—' },
                  {
                    header: 'Actions',
                    hideHeader: true,
                    cell: (n) => (
                      <Button
                        size="compact-sm"
                        variant="default"
                        onClick={() => retry.mutate(n.id)}
                        loading={retry.isPending && retry.variables === n.id}
                        aria-label={`Retry the ${n.template} email to ${n.recipient}`}
                      >
                        Retry
                      </Button>
                    ),
                  },
                ]}
              />
            )}
          </ListState>
        </Stack>
      </section>
      <Jobs />
    </Stack>
  );
}

function Jobs() {
  const queryClient = useQueryClient();
  const today = hospitalToday();
  const status = useQuery({
    queryKey: ['staff', 'jobs'],
    queryFn: () => call<{ items: JobStatus[] }>(api.GET('/api/v1/staff/jobs')),
    select: (p) => p.items,
  });
  const [job, setJob] = useState<JobName | null>(null);
  const [asOf, setAsOf] = useState(today);
  const run = useMutation({
    mutationFn: () =>
      call<JobRun>(
        api.POST('/api/v1/staff/jobs/{name}/run', { params: { path: { name: job! } }, body: { asOf } }),
      ),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['staff', 'jobs'] }),
  });
  const future = asOf > today;
  return (
    <section aria-labelledby="jobs-title">
      <Stack>
        <Title order={2} id="jobs-title">
          Scheduled jobs
        </Title>
        {status.isError ? (
          <Text size="sm">The jobs' last runs are not available.</Text>
        ) : (
          status.data && (
            <DataTable
              caption="Scheduled jobs and their last run"
              rows={status.data}
              rowKey={(j) => j.name}
              columns={[
                { header: 'Job', cell: (j) => j.name },
                { header: 'Last run', cell: (j) => formatInstant(j.lastRunAt) },
                { header: 'For date', cell: (j) => formatDate(j.lastAsOf) },
                { header: 'Affected', cell: (j) => j.lastAffected ?? '—' },
                {
                  header: 'Result',
                  cell: (j) => (j.lastStatus ? <StatusBadge status={j.lastStatus} /> : 'never ran'),
                },
              ]}
            />
          )
        )}
        <Group align="flex-end">
          <Select label="Job" value={job} onChange={(v) => setJob(v as JobName | null)} data={JOBS} w={280} />
          <TextInput
            label="For the date"
            type="date"
            value={asOf}
            max={today}
            onChange={(e) => setAsOf(e.currentTarget.value)}
            error={future ? 'Today or earlier' : fieldErrorsOf(run.error).asOf}
          />
          <ConfirmAction
            label="Run"
            color="blue"
            title="Run the job now"
            consequence={`${job ?? ''} runs now for ${formatDate(asOf)}. It acts as the nightly run would (emails, locks and expiries included); a date already run does nothing more.`}
            confirmLabel="Run the job"
            onConfirm={() => run.mutateAsync()}
            pending={run.isPending}
            error={run.error}
            disabled={!job || !asOf || future}
          />
        </Group>
        {run.data && (
          <Text role="status">
            {run.data.job} ran for {formatDate(run.data.asOf)}: {run.data.affected} affected.
          </Text>
        )}
      </Stack>
    </section>
  );
}
