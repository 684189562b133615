import { Alert, Anchor, Card, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, call } from '../api/client';
import { ApiError } from '../api/problem';
import { formatInstant } from '../lib/format';
import { useTitle } from '../lib/useTitle';

interface Mail {
  id: string;
  to: string[] | string;
  subject: string;
  text: string;
  at?: string;
}

/** Splits text into plain runs and same-origin links (the emails' `${PORTAL_URL}/<action>?token=`). */
function Linked({ text }: { text: string }) {
  const parts = text.split(/(https?:\/\/[^\s<>"]+)/g);
  return (
    <Text component="pre" className="doc-body" size="sm">
      {parts.map((part, i) => {
        if (!/^https?:\/\//.test(part)) return part;
        let url: URL | null = null;
        try {
          url = new URL(part);
        } catch {
          url = null;
        }
        return url && url.origin === window.location.origin ? (
          <Anchor key={i} href={url.pathname + url.search}>
            {part}
          </Anchor>
        ) : (
          part
        );
      })}
    </Text>
  );
}

/** Development only: the mail the service captured in process when SMTP_URL is not set. */
export default function MailboxPage() {
  useTitle('Development mailbox');
  const mail = useQuery({
    queryKey: ['dev-mailbox'],
    queryFn: () => call<{ items: Mail[] } | Mail[]>(api.GET('/api/v1/dev/mailbox')),
    select: (d) => (Array.isArray(d) ? d : d.items),
    refetchInterval: 3000,
    retry: false,
  });
  return (
    <Stack maw={880}>
      <Title order={1}>Development mailbox</Title>
      {mail.isError &&
        (mail.error instanceof ApiError && mail.error.status === 404 ? (
          <Alert color="gray" role="status">
            There is no development mailbox here: it exists only in development when SMTP_URL is not set.
          </Alert>
        ) : (
          <Alert color="red" role="alert">
            The mailbox could not be loaded.
          </Alert>
        ))}
      {mail.data?.length === 0 && <Text>No email yet.</Text>}
      {[...(mail.data ?? [])].reverse().map((m) => (
        <Card withBorder key={m.id} component="article" aria-label={m.subject}>
          <Text fw={700}>{m.subject}</Text>
          <Text size="sm" c="dimmed">
            To {Array.isArray(m.to) ? m.to.join(', ') : m.to} {m.at ? `· ${formatInstant(m.at)}` : ''}
          </Text>
          <Linked text={m.text} />
        </Card>
      ))}
    </Stack>
  );
}
