import {
  Alert,
  Anchor,
  Button,
  Container,
  Paper,
  PasswordInput,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, call } from '../api/client';
import { ApiError } from '../api/problem';
import { useSession } from '../auth/session';
import { fieldErrorsOf, ProblemAlert } from '../components/ProblemAlert';
import { useTitle } from '../lib/useTitle';

type Action = 'verify-email' | 'activate' | 'reset-password' | 'confirm-email' | 'forgot-password' | 'unlock';

const TITLES: Record<Action, string> = {
  'verify-email': 'Confirm your email',
  activate: 'Activate your account',
  'reset-password': 'Choose a new password',
  'confirm-email': 'Confirm your new email',
  'forgot-password': 'Forgot your password?',
  unlock: 'Unlock your account',
};

/** Reads `?token=` once and takes it out of the address bar (and so out of history). */
function useLinkToken(): string {
  const [params] = useSearchParams();
  const [token] = useState(() => params.get('token') ?? '');
  useEffect(() => {
    if (params.has('token')) window.history.replaceState(null, '', window.location.pathname);
  }, [params]);
  return token;
}

/** The pages emailed links open: `${PORTAL_URL}/<action>?token=…` (API.md conventions). */
export default function LandingPages({ action }: { action: Action }) {
  useTitle(TITLES[action]);
  return (
    <Container size={480} py="lg">
      <Paper withBorder p="lg">
        <Stack>
          <Title order={1} size="h2">
            {TITLES[action]}
          </Title>
          {action === 'verify-email' && <VerifyEmail />}
          {action === 'confirm-email' && <ConfirmEmail />}
          {action === 'activate' && <SetPassword kind="activate" />}
          {action === 'reset-password' && <SetPassword kind="reset" />}
          {action === 'forgot-password' && <Forgot />}
          {action === 'unlock' && <Unlock />}
        </Stack>
      </Paper>
    </Container>
  );
}

function useOnce(run: () => void, when: boolean) {
  const done = useRef(false);
  useEffect(() => {
    if (when && !done.current) {
      done.current = true;
      run();
    }
  }, [run, when]);
}

function VerifyEmail() {
  const token = useLinkToken();
  const verify = useMutation({
    mutationFn: () => call<{ status: string }>(api.POST('/api/v1/auth/verify-email', { body: { token } })),
  });
  useOnce(verify.mutate, !!token);
  if (!token || verify.isError) return <InvalidLink resend />;
  if (verify.isSuccess)
    return (
      <Alert color="green" title="Email confirmed" role="status">
        Thank you. The MyPatients team now checks your NPI and practice, and emails you when your account is
        active.
      </Alert>
    );
  return <Text role="status">Confirming your email…</Text>;
}

/** The link emailed when failed sign-ins lock an account: lifts the lock (POST /auth/unlock). */
function Unlock() {
  const token = useLinkToken();
  const unlock = useMutation({
    mutationFn: () => call(api.POST('/api/v1/auth/unlock', { body: { token } })),
  });
  useOnce(unlock.mutate, !!token);
  if (!token || unlock.isError) return <InvalidLink />;
  if (unlock.isSuccess)
    return (
      <Alert color="green" title="Account unlocked" role="status">
        You can sign in again. If you did not try to sign in, change your password after signing in.{' '}
        <Anchor component={Link} to="/">
          Sign in
        </Anchor>
      </Alert>
    );
  return <Text role="status">Unlocking…</Text>;
}

function ConfirmEmail() {
  const token = useLinkToken();
  const { reloadMe } = useSession();
  const confirm = useMutation({
    mutationFn: () => call(api.POST('/api/v1/me/email/confirm', { body: { token } })),
    onSuccess: () => void reloadMe(),
  });
  useOnce(confirm.mutate, !!token);
  if (!token || confirm.isError) return <InvalidLink />;
  if (confirm.isSuccess)
    return (
      <Alert color="green" title="Email changed" role="status">
        Your new email is confirmed. Sign in with it from now on.
      </Alert>
    );
  return <Text role="status">Confirming…</Text>;
}

function InvalidLink({ resend = false }: { resend?: boolean }) {
  const [email, setEmail] = useState('');
  const again = useMutation({
    mutationFn: () => call(api.POST('/api/v1/auth/verify-email/resend', { body: { email: email.trim() } })),
  });
  return (
    <Stack>
      <Alert color="red" title="This link does not work" role="alert">
        It may have been used already or have expired.
      </Alert>
      {resend &&
        (again.isSuccess ? (
          <Alert color="green" role="status">
            If a registration with this email is waiting for confirmation, a new link is on its way.
          </Alert>
        ) : (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              again.mutate();
            }}
          >
            <Stack>
              <TextInput
                label="Your email"
                type="email"
                value={email}
                onChange={(e) => setEmail(e.currentTarget.value)}
                autoComplete="email"
              />
              {again.isError && <ProblemAlert error={again.error} title="Could not send a new link" />}
              <Button
                type="submit"
                variant="default"
                disabled={!email.includes('@')}
                loading={again.isPending}
              >
                Send me a new link
              </Button>
            </Stack>
          </form>
        ))}
      <Anchor component={Link} to="/sign-in">
        Go to sign-in
      </Anchor>
    </Stack>
  );
}

function SetPassword({ kind }: { kind: 'activate' | 'reset' }) {
  const token = useLinkToken();
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const save = useMutation({
    mutationFn: () =>
      kind === 'activate'
        ? call(api.POST('/api/v1/auth/activate', { body: { token, password } }))
        : call(api.POST('/api/v1/auth/password/reset', { body: { token, password } })),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setMismatch(password !== confirm);
    if (password === confirm) save.mutate();
  };
  if (!token) return <InvalidLink />;
  if (save.error instanceof ApiError && save.error.code === 'invalid_token') return <InvalidLink />;
  if (save.isSuccess)
    return (
      <Stack>
        <Alert
          color="green"
          title={kind === 'activate' ? 'Your account is active' : 'Password changed'}
          role="status"
        >
          {kind === 'activate'
            ? 'Sign in now: you will set up your authenticator app at the first sign-in.'
            : 'Every session was signed out. Sign in with your new password.'}
        </Alert>
        <Button component={Link} to="/sign-in">
          Sign in
        </Button>
      </Stack>
    );
  const errors = fieldErrorsOf(save.error);
  const weak = save.error instanceof ApiError && save.error.code === 'weak_password';
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        {save.isError && !weak && <ProblemAlert error={save.error} />}
        <PasswordInput
          label="New password"
          description="At least 12 characters; a passphrase is best."
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          error={
            weak ? 'Choose a stronger password: longer, and not a common word or pattern.' : errors.password
          }
          autoComplete="new-password"
          required
        />
        <PasswordInput
          label="Repeat the new password"
          value={confirm}
          onChange={(e) => setConfirm(e.currentTarget.value)}
          error={mismatch ? 'The two passwords differ.' : undefined}
          autoComplete="new-password"
          required
        />
        <Button type="submit" loading={save.isPending} disabled={!password}>
          {kind === 'activate' ? 'Activate my account' : 'Save the new password'}
        </Button>
      </Stack>
    </form>
  );
}

function Forgot() {
  const [email, setEmail] = useState('');
  const forgot = useMutation({
    mutationFn: () => call(api.POST('/api/v1/auth/password/forgot', { body: { email: email.trim() } })),
  });
  if (forgot.isSuccess)
    return (
      <Alert color="green" title="Check your email" role="status">
        If an account uses this email, we sent it a link to choose a new password. The link works once, for
        one hour.
      </Alert>
    );
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        forgot.mutate();
      }}
      noValidate
    >
      <Stack>
        <Text size="sm">
          We will email you a link to choose a new password. Your authenticator app stays as it is.
        </Text>
        <ProblemAlert error={forgot.error} />
        <TextInput
          label="Email"
          type="email"
          value={email}
          onChange={(e) => setEmail(e.currentTarget.value)}
          error={fieldErrorsOf(forgot.error).email}
          autoComplete="email"
          required
        />
        <Button type="submit" loading={forgot.isPending} disabled={!email.includes('@')}>
          Send the link
        </Button>
        <Anchor component={Link} to="/sign-in" size="sm">
          Back to sign-in
        </Anchor>
      </Stack>
    </form>
  );
}
