import {
  Alert,
  Anchor,
  Button,
  Code,
  Container,
  Divider,
  Group,
  Paper,
  PasswordInput,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { QRCodeSVG } from 'qrcode.react';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, Navigate, useLocation, useNavigate, useSearchParams } from 'react-router';
import { api, call } from '../api/client';
import { ApiError, messageFor } from '../api/problem';
import type { LoginResult, Tokens } from '../api/types';
import { useSession } from '../auth/session';
import { fieldErrorsOf, ProblemAlert } from '../components/ProblemAlert';
import { useTitle } from '../lib/useTitle';

/** "JBSWY3DPEHPK3PXP" → "JBSW Y3DP EHPK 3PXP" (easier to type into an authenticator). */
export function groupKey(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}

export function SignInPage({ sso = false }: { sso?: boolean }) {
  useTitle('Sign in');
  const { state, signedIn } = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const from = (location.state as { from?: string } | null)?.from ?? '/';
  const [step, setStep] = useState<LoginResult | null>(null);

  const finish = async (tokens: Tokens) => {
    await signedIn(tokens);
    void navigate(from.startsWith('/sign-in') ? '/' : from, { replace: true });
  };

  if (state.phase === 'signed_in') return <Navigate to={from} replace />;

  return (
    <Container size={440} py="lg">
      <Paper withBorder p="lg" radius="md">
        {sso ? (
          <SsoExchange onTokens={finish} />
        ) : step ? (
          <MfaStep step={step} onTokens={finish} onRestart={() => setStep(null)} />
        ) : (
          <PasswordStep
            onResult={setStep}
            signedOutReason={state.phase === 'signed_out' ? state.reason : undefined}
          />
        )}
      </Paper>
    </Container>
  );
}

function PasswordStep({
  onResult,
  signedOutReason,
}: {
  onResult: (r: LoginResult) => void;
  signedOutReason?: string;
}) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const login = useMutation({
    mutationFn: (body: { email: string; password: string }) =>
      call<LoginResult>(api.POST('/api/v1/auth/login', { body })),
    onSuccess: onResult,
  });
  const errors = fieldErrorsOf(login.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    login.mutate({ email: email.trim(), password });
  };
  return (
    <form onSubmit={submit} noValidate aria-labelledby="sign-in-title">
      <Stack>
        <Title order={1} size="h2" id="sign-in-title">
          Sign in to MyPatients
        </Title>
        {signedOutReason === 'idle' && (
          <Alert color="blue" role="status">
            You were signed out after 30 minutes without activity.
          </Alert>
        )}
        {signedOutReason === 'expired' && (
          <Alert color="blue" role="status">
            Your session ended. Sign in again.
          </Alert>
        )}
        <ProblemAlert error={login.error} title="Could not sign in" />
        <TextInput
          label="Email"
          type="email"
          autoComplete="username"
          value={email}
          onChange={(e) => setEmail(e.currentTarget.value)}
          error={errors.email}
          required
        />
        <PasswordInput
          label="Password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          error={errors.password}
          required
        />
        <Button type="submit" loading={login.isPending}>
          Continue
        </Button>
        <Group justify="space-between">
          <Anchor component={Link} to="/forgot-password" size="sm">
            Forgot your password?
          </Anchor>
          <Anchor component={Link} to="/register" size="sm">
            Register as a provider
          </Anchor>
        </Group>
        <Divider label="or" labelPosition="center" />
        <Button component="a" href="/api/v1/auth/sso/login" variant="default">
          Sign in with hospital credentials (SSO)
        </Button>
        <Text size="sm">
          Cannot sign in?{' '}
          <Anchor component={Link} to="/help">
            Ask the MyPatients team for help
          </Anchor>
        </Text>
      </Stack>
    </form>
  );
}

function MfaStep({
  step,
  onTokens,
  onRestart,
}: {
  step: LoginResult;
  onTokens: (t: Tokens) => Promise<void>;
  onRestart: () => void;
}) {
  const [code, setCode] = useState('');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  const mfa = useMutation({
    mutationFn: (body: { mfaToken: string; code: string }) =>
      call<Tokens>(api.POST('/api/v1/auth/mfa', { body })),
    onSuccess: onTokens,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    mfa.mutate({ mfaToken: step.mfaToken, code: code.replace(/\s/g, '') });
  };
  const error = mfa.error instanceof ApiError ? mfa.error : null;
  const expired = error?.status === 401 && error.code !== 'invalid_code';
  return (
    <form onSubmit={submit} noValidate aria-labelledby="mfa-title">
      <Stack>
        <Title order={1} size="h2" id="mfa-title">
          {step.status === 'mfa_enrollment_required' ? 'Set up your authenticator' : 'Enter your code'}
        </Title>
        {step.status === 'mfa_enrollment_required' && (
          <>
            <Text>
              MyPatients needs a second step at every sign-in. Scan this QR code with an authenticator app
              (Microsoft Authenticator, Google Authenticator, Duo Mobile…), or type the key into it.
            </Text>
            <Group justify="center">
              <QRCodeSVG
                value={step.otpauthUri}
                size={176}
                marginSize={2}
                role="img"
                aria-label="QR code for your authenticator app"
              />
            </Group>
            <Text size="sm">
              Key:{' '}
              <Code fz="sm" data-testid="totp-key">
                {groupKey(step.secret)}
              </Code>
            </Text>
          </>
        )}
        {error && (
          <Alert color="red" role="alert" title="Could not sign in">
            {expired ? 'This sign-in took too long. Start again.' : messageFor(error)}
          </Alert>
        )}
        <TextInput
          ref={input}
          label="6-digit code from your authenticator"
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={7}
          value={code}
          onChange={(e) => setCode(e.currentTarget.value)}
          required
        />
        <Button type="submit" loading={mfa.isPending} disabled={code.replace(/\s/g, '').length !== 6}>
          Sign in
        </Button>
        <Anchor component="button" type="button" size="sm" onClick={onRestart}>
          Start again
        </Anchor>
      </Stack>
    </form>
  );
}

/** `/sso?code=`: the hospital SSO callback's one-time code, exchanged for the session (API.md v1.1). */
function SsoExchange({ onTokens }: { onTokens: (t: Tokens) => Promise<void> }) {
  const [params] = useSearchParams();
  const code = params.get('code') ?? '';
  const exchange = useMutation({
    mutationFn: () => call<Tokens>(api.POST('/api/v1/auth/sso/exchange', { body: { code } })),
    onSuccess: onTokens,
  });
  const started = useRef(false);
  useEffect(() => {
    if (code && !started.current) {
      started.current = true;
      // The code is single-use: take it out of the address bar and history at once.
      window.history.replaceState(null, '', '/sso');
      exchange.mutate();
    }
  }, [code, exchange]);
  return (
    <Stack>
      <Title order={1} size="h2">
        Hospital sign-in
      </Title>
      {exchange.isPending && <Text role="status">Signing you in…</Text>}
      {(exchange.isError || !code) && (
        <>
          <ProblemAlert
            error={exchange.error ?? new ApiError({ status: 400, code: 'invalid_token' })}
            title="Could not sign in"
          />
          <Anchor component={Link} to="/sign-in">
            Back to sign-in
          </Anchor>
        </>
      )}
    </Stack>
  );
}
