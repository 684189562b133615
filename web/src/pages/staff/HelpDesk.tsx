import { Button, Card, Checkbox, Group, Image, Select, Stack, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, call } from '../../api/client';
import type { components } from '../../api/schema';
import { fieldErrorsOf, ProblemAlert } from '../../components/ProblemAlert';
import { formatInstant, humanize } from '../../lib/format';
import { useTitle } from '../../lib/useTitle';
import { ConfirmAction } from '../../components/ConfirmAction';
import { ListState, useCursorList } from '../../components/Lists';
import { StatusBadge, timeLeft } from '../../staff/common';

type Support = components['schemas']['SupportRequestItemDto'];
type SupportPage = components['schemas']['SupportRequestPageDto'];
export function HelpDesk() {
  useTitle('Help desk');
  const [status, setStatus] = useState<Support['status']>('open');
  const [openId, setOpenId] = useState<string | null>(null);
  const list = useCursorList<Support>(['staff', 'support', status], (cursor) =>
    call<SupportPage>(
      api.GET('/api/v1/staff/support-requests', { params: { query: { status, cursor, limit: 50 } } }),
    ),
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
      <ListState query={list} what="help requests" empty="No help request in this status.">
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
                      <Button
                        size="compact-sm"
                        variant="default"
                        onClick={() => setOpenId(r.id)}
                        aria-label={`Open the request from ${r.name}`}
                      >
                        Open
                      </Button>
                    </Group>
                  )}
                </Card>
              ))}
          </Stack>
        )}
      </ListState>
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
  return url ? (
    <Image src={url} alt="Screenshot sent with the request" maw={600} radius="sm" />
  ) : (
    <Text size="sm">Loading the screenshot…</Text>
  );
}

function SupportDetail({ request, onClose }: { request: Support; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [message, setMessage] = useState('');
  const [closeToo, setCloseToo] = useState(false);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['staff', 'support'] });
  const reply = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/staff/support-requests/{id}/replies', {
          params: { path: { id: request.id } },
          body: { message: message.trim(), close: closeToo },
        }),
      ),
    onSuccess: () => {
      setMessage('');
      refresh();
    },
  });
  const close = useMutation({
    mutationFn: () =>
      call(api.POST('/api/v1/staff/support-requests/{id}/close', { params: { path: { id: request.id } } })),
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
            <Checkbox
              label="Close the request with this reply"
              checked={closeToo}
              onChange={(e) => setCloseToo(e.currentTarget.checked)}
            />
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
