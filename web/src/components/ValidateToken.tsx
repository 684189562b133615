import { Alert, Anchor, Button, Modal, Stack, TextInput } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api, call } from '../api/client';
import { ApiError, messageFor } from '../api/problem';

/** "Validate a Token", in the top right corner of every signed-in page (SPEC §3). */
export function ValidateTokenButton() {
  const [opened, { open, close }] = useDisclosure(false);
  return (
    <>
      <Button size="compact-sm" onClick={open}>
        Validate a Token
      </Button>
      <Modal opened={opened} onClose={close} title="Validate a Token">
        {opened && <ValidateTokenForm onDone={close} />}
      </Modal>
    </>
  );
}

export function ValidateTokenForm({ onDone }: { onDone?: () => void }) {
  const [token, setToken] = useState('');
  const [mrn, setMrn] = useState('');
  const queryClient = useQueryClient();
  const mutation = useMutation({
    mutationFn: (body: { token: string; mrn: string }) =>
      call<{ patientId: string }>(api.POST('/api/v1/tokens/validate', { body })),
    onSuccess: () => void queryClient.invalidateQueries(),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    mutation.mutate({ token: token.trim(), mrn: mrn.trim() });
  };
  const error = mutation.error instanceof ApiError ? mutation.error : null;

  if (mutation.data) {
    return (
      <Stack>
        <Alert color="green" title="Token accepted" role="status">
          You now have access to this patient’s record.
        </Alert>
        <Anchor component={Link} to={`/patients/${mutation.data.patientId}`} onClick={onDone}>
          Open the record
        </Anchor>
      </Stack>
    );
  }
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        {error && (
          <Alert color="red" title="Could not validate" role="alert">
            {error.code === 'invalid_token'
              ? 'This token and MRN do not match a valid invitation.'
              : messageFor(error)}
          </Alert>
        )}
        <TextInput
          label="Token"
          value={token}
          onChange={(e) => setToken(e.currentTarget.value)}
          required
          autoComplete="off"
          data-autofocus
        />
        <TextInput
          label="MRN"
          value={mrn}
          onChange={(e) => setMrn(e.currentTarget.value)}
          required
          autoComplete="off"
        />
        <Button type="submit" loading={mutation.isPending} disabled={!token.trim() || !mrn.trim()}>
          Validate
        </Button>
      </Stack>
    </form>
  );
}
