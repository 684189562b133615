import { Alert, Button, Radio, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../api/client';
import { ApiError } from '../api/problem';
import type { Validation } from '../api/types';
import { isValidationLocked, useSession } from '../auth/session';
import { ProblemAlert } from '../components/ProblemAlert';
import { formatDate } from '../lib/format';
import { useTitle } from '../lib/useTitle';

/** The semiannual validation: keep or remove each sponsored user (SPEC §2). */
export default function ValidationPage() {
  useTitle('Staff validation');
  const { me, reloadMe } = useSession();
  const queryClient = useQueryClient();
  const [keep, setKeep] = useState<Record<string, boolean>>({});
  const validation = useQuery({
    queryKey: ['validation'],
    queryFn: () => call<Validation>(api.GET('/api/v1/sponsorship/validation')),
    retry: false,
  });
  const complete = useMutation({
    mutationFn: (v: Validation) =>
      call(
        api.POST('/api/v1/sponsorship/validation/{id}/complete', {
          params: { path: { id: v.id } },
          body: { decisions: v.users.map((u) => ({ userId: u.id, keep: keep[u.id] })) },
        }),
      ),
    onSuccess: () => {
      void queryClient.invalidateQueries();
      void reloadMe();
    },
  });
  const locked = isValidationLocked(me);

  if (validation.isPending) return <Text role="status">Loading…</Text>;
  if (validation.isError) {
    if (validation.error instanceof ApiError && validation.error.status === 404)
      return (
        <Stack>
          <Title order={1}>Staff validation</Title>
          <Text>No validation is open. The next one opens on April 1 or October 1.</Text>
        </Stack>
      );
    return <ProblemAlert error={validation.error} title="Could not load the validation" />;
  }
  const v = validation.data;
  if (complete.isSuccess || v.status === 'completed')
    return (
      <Stack maw={720}>
        <Title order={1}>Staff validation</Title>
        <Alert color="green" role="status" title="Validation complete">
          Thank you. Everyone you kept keeps their access; everyone you removed was deactivated and told.
        </Alert>
      </Stack>
    );
  const decided = v.users.every((u) => u.id in keep);
  return (
    <Stack maw={880}>
      <Title order={1}>Staff validation</Title>
      {locked && (
        <Alert color="red" role="alert" title="Your account is locked until you complete this">
          The deadline has passed, so your account and your staff’s accounts are locked. Complete the review
          to unlock them.
        </Alert>
      )}
      <Text>
        Twice a year, confirm who on your list still works with you. Last day:{' '}
        <strong>{formatDate(v.lastDay ?? v.dueAt)}</strong>.
      </Text>
      <Table.ScrollContainer minWidth={560}>
        <Table>
          <caption className="visually-hidden">Staff to review</caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Name</Table.Th>
              <Table.Th scope="col">Email</Table.Th>
              <Table.Th scope="col">Decision</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {v.users.map((u) => (
              <Table.Tr key={u.id}>
                <Table.Td>
                  {u.firstName} {u.lastName}
                </Table.Td>
                <Table.Td>{u.email}</Table.Td>
                <Table.Td>
                  <Radio.Group
                    value={u.id in keep ? (keep[u.id] ? 'keep' : 'remove') : null}
                    onChange={(val) => setKeep({ ...keep, [u.id]: val === 'keep' })}
                    aria-label={`Decision for ${u.firstName} ${u.lastName}`}
                  >
                    <Group gap="md">
                      <Radio value="keep" label="Keep" />
                      <Radio value="remove" label="Remove" />
                    </Group>
                  </Radio.Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <ProblemAlert error={complete.error} title="Not completed" />
      <Group>
        <Button onClick={() => complete.mutate(v)} disabled={!decided} loading={complete.isPending}>
          Complete the validation
        </Button>
      </Group>
    </Stack>
  );
}
