import {
  Alert,
  Anchor,
  Button,
  Container,
  Paper,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, call } from '../api/client';
import { fieldErrorsOf, ProblemAlert } from '../components/ProblemAlert';
import { formatDate } from '../lib/format';
import { useTitle } from '../lib/useTitle';

/** A help request from someone who cannot sign in (API.md v1.1: `email, name, description`). */
export default function HelpPage() {
  useTitle('Help');
  const [f, setF] = useState({ email: '', name: '', description: '' });
  const send = useMutation({
    mutationFn: () =>
      call<{ id: string; dueAt: string }>(
        api.POST('/api/v1/support-requests', {
          body: { email: f.email.trim(), name: f.name.trim(), description: f.description.trim() },
        }),
      ),
  });
  const errors = fieldErrorsOf(send.error);
  return (
    <Container size={560} py="lg">
      <Paper withBorder p="lg">
        <Stack>
          <Title order={1} size="h2">
            Ask the MyPatients team for help
          </Title>
          {send.isSuccess ? (
            <Alert color="green" role="status" title="Sent">
              The team answers by email within two business days (by {formatDate(send.data.dueAt)}).
            </Alert>
          ) : (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                send.mutate();
              }}
              noValidate
            >
              <Stack>
                <Text size="sm">Describe what goes wrong. Do not include patient information.</Text>
                <ProblemAlert error={send.error} title="Not sent" />
                <TextInput
                  label="Your sign-in email"
                  type="email"
                  value={f.email}
                  onChange={(e) => setF({ ...f, email: e.currentTarget.value })}
                  error={errors.email}
                  autoComplete="email"
                />
                <TextInput
                  label="Your name"
                  value={f.name}
                  onChange={(e) => setF({ ...f, name: e.currentTarget.value })}
                  error={errors.name}
                  autoComplete="name"
                />
                <Textarea
                  label="What happens?"
                  value={f.description}
                  onChange={(e) => setF({ ...f, description: e.currentTarget.value })}
                  error={errors.description}
                  autosize
                  minRows={4}
                />
                <Button
                  type="submit"
                  loading={send.isPending}
                  disabled={!f.email || !f.name || !f.description}
                >
                  Send
                </Button>
              </Stack>
            </form>
          )}
          <Anchor component={Link} to="/sign-in" size="sm">
            Back to sign-in
          </Anchor>
        </Stack>
      </Paper>
    </Container>
  );
}
