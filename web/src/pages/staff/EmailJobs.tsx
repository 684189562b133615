import { Button, Group, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { components } from '../../api/schema';
import { fieldErrorsOf, ProblemAlert } from '../../components/ProblemAlert';
import { formatDate, formatInstant } from '../../lib/format';
import { useTitle } from '../../lib/useTitle';
import { ConfirmAction } from '../../components/ConfirmAction';
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
              <Table.ScrollContainer minWidth={720}>
                <Table striped>
                  <caption className="visually-hidden">Failed emails</caption>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">Template</Table.Th>
                      <Table.Th scope="col">Recipient</Table.Th>
                      <Table.Th scope="col">Failed</Table.Th>
                      <Table.Th scope="col">Attempts</Table.Th>
                      <Table.Th scope="col">Error</Table.Th>
                      <Table.Th scope="col">
                        <span className="visually-hidden">Actions</span>
                      </Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {items.map((n) => (
                      <Table.Tr key={n.id}>
                        <Table.Td>{n.template}</Table.Td>
                        <Table.Td>{n.recipient}</Table.Td>
                        <Table.Td>{formatInstant(n.failedAt)}</Table.Td>
                        <Table.Td>{n.attempts}</Table.Td>
                        <Table.Td>{n.lastError ?? '—'}</Table.Td>
                        <Table.Td>
                          <Button
                            size="compact-sm"
                            variant="default"
                            onClick={() => retry.mutate(n.id)}
                            loading={retry.isPending && retry.variables === n.id}
                            aria-label={`Retry the ${n.template} email to ${n.recipient}`}
                          >
                            Retry
                          </Button>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
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
            <Table>
              <caption className="visually-hidden">Scheduled jobs and their last run</caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Job</Table.Th>
                  <Table.Th scope="col">Last run</Table.Th>
                  <Table.Th scope="col">For date</Table.Th>
                  <Table.Th scope="col">Affected</Table.Th>
                  <Table.Th scope="col">Result</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {status.data.map((j) => (
                  <Table.Tr key={j.name}>
                    <Table.Td>{j.name}</Table.Td>
                    <Table.Td>{formatInstant(j.lastRunAt)}</Table.Td>
                    <Table.Td>{formatDate(j.lastAsOf)}</Table.Td>
                    <Table.Td>{j.lastAffected ?? '—'}</Table.Td>
                    <Table.Td>{j.lastStatus ? <StatusBadge status={j.lastStatus} /> : 'never ran'}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
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
