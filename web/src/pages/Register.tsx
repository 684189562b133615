import {
  Alert,
  Anchor,
  Autocomplete,
  Button,
  Checkbox,
  Container,
  Paper,
  PasswordInput,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api, call } from '../api/client';
import type { components } from '../api/schema';
import type { Page, Practice } from '../api/types';
import { fieldErrorsOf, ProblemAlert } from '../components/ProblemAlert';
import { npiProblem } from '../lib/npi';
import { useTitle } from '../lib/useTitle';

/** Codes shown beside their field rather than in the page-level alert. */
const FIELD_CODES = ['invalid_npi', 'npi_taken', 'email_taken', 'weak_password'];

export function practiceLabel(p: Practice): string {
  return p.city ? `${p.name} — ${p.city}` : p.name;
}

/** Provider registration (SPEC §1): the NPI's check digit is checked as it is typed. */
export default function RegisterPage() {
  useTitle('Register');
  const [form, setForm] = useState({ email: '', password: '', firstName: '', lastName: '', npi: '' });
  const [npiTouched, setNpiTouched] = useState(false);
  const [practiceText, setPracticeText] = useState('');
  const [practice, setPractice] = useState<Practice | null>(null);
  const [newPracticeMode, setNewPracticeMode] = useState(false);
  const [np, setNp] = useState({ name: '', address: '', phone: '', fax: '' });
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const [query] = useDebouncedValue(practiceText.trim(), 250);

  const practices = useQuery({
    queryKey: ['practices', query],
    enabled: !newPracticeMode && query.length >= 2,
    queryFn: () =>
      call<Page<Practice> | Practice[]>(
        api.GET('/api/v1/practices', { params: { query: { q: query, limit: 10 } } }),
      ),
    select: (d) => (Array.isArray(d) ? d : d.items),
  });
  const options = practices.data ?? [];

  const register = useMutation({
    mutationFn: (body: components['schemas']['RegisterDto']) =>
      call<{ userId: string; status: string }>(api.POST('/api/v1/auth/register', { body: body })),
  });

  const set = (key: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement>) =>
    setForm({ ...form, [key]: e.currentTarget.value });
  const npiMessage = npiProblem(form.npi);
  const serverErrors = fieldErrorsOf(register.error);
  const errors: Record<string, string | undefined> = { ...serverErrors, ...localErrors };
  if (npiTouched || form.npi.length >= 10) errors.npi = npiMessage ?? serverErrors.npi;
  if (register.error && 'code' in register.error) {
    const code = (register.error as { code: string }).code;
    if (code === 'invalid_npi') errors.npi = 'This NPI is not valid.';
    if (code === 'npi_taken') errors.npi = 'An account already uses this NPI.';
    if (code === 'email_taken') errors.email = 'An account already uses this email.';
    if (code === 'weak_password')
      errors.password = 'Choose a stronger password: longer, and not a common word or pattern.';
  }

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setNpiTouched(true);
    const local: Record<string, string> = {};
    if (!form.email.includes('@')) local.email = 'Enter your email address.';
    if (form.password.length < 12) local.password = 'Use at least 12 characters.';
    if (!form.firstName.trim()) local.firstName = 'Enter your first name.';
    if (!form.lastName.trim()) local.lastName = 'Enter your last name.';
    if (npiMessage) local.npi = npiMessage;
    if (newPracticeMode) {
      for (const k of ['name', 'address', 'phone', 'fax'] as const)
        if (!np[k].trim()) local[`newPractice.${k}`] = 'Required.';
    } else if (!practice) local.practiceId = 'Choose your practice from the list, or add a new one.';
    setLocalErrors(local);
    if (Object.keys(local).length) return;
    register.mutate({
      email: form.email.trim(),
      password: form.password,
      firstName: form.firstName.trim(),
      lastName: form.lastName.trim(),
      npi: form.npi,
      ...(newPracticeMode
        ? {
            newPractice: {
              name: np.name.trim(),
              address: np.address.trim(),
              phone: np.phone.trim(),
              fax: np.fax.trim(),
            },
          }
        : { practiceId: practice!.id }),
    });
  };

  if (register.isSuccess) {
    return (
      <Container size={560} py="lg">
        <Paper withBorder p="lg">
          <Stack>
            <Title order={1} size="h2">
              Check your email
            </Title>
            <Text>
              We sent a link to <strong>{form.email}</strong>. Open it to confirm your email; the MyPatients
              team then checks your NPI and practice and emails you when your account is active.
            </Text>
            <Anchor component={Link} to="/sign-in">
              Back to sign-in
            </Anchor>
          </Stack>
        </Paper>
      </Container>
    );
  }

  return (
    <Container size={640} py="lg">
      <Paper withBorder p="lg">
        <form onSubmit={submit} noValidate aria-labelledby="register-title">
          <Stack>
            <Title order={1} size="h2" id="register-title">
              Register as a provider
            </Title>
            <Text size="sm">
              For physicians and other clinicians with an NPI. Practice staff without an NPI get an account
              from their practice’s sponsor.
            </Text>
            {!FIELD_CODES.includes((register.error as { code?: string } | null)?.code ?? '') && (
              <ProblemAlert error={register.error} title="Registration not sent" />
            )}
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <TextInput
                label="First name"
                value={form.firstName}
                onChange={set('firstName')}
                error={errors.firstName}
                autoComplete="given-name"
                required
              />
              <TextInput
                label="Last name"
                value={form.lastName}
                onChange={set('lastName')}
                error={errors.lastName}
                autoComplete="family-name"
                required
              />
            </SimpleGrid>
            <TextInput
              label="Email"
              type="email"
              value={form.email}
              onChange={set('email')}
              error={errors.email}
              autoComplete="email"
              required
            />
            <PasswordInput
              label="Password"
              description="At least 12 characters; a passphrase is best."
              value={form.password}
              onChange={set('password')}
              error={errors.password}
              autoComplete="new-password"
              required
            />
            <TextInput
              label="NPI"
              description="Your 10-digit National Provider Identifier."
              value={form.npi}
              onChange={(e) => setForm({ ...form, npi: e.currentTarget.value.replace(/\s/g, '') })}
              onBlur={() => setNpiTouched(true)}
              error={errors.npi}
              inputMode="numeric"
              maxLength={10}
              autoComplete="off"
              required
            />
            {!newPracticeMode ? (
              <Autocomplete
                label="Practice"
                description="Type at least two letters of your practice’s name."
                value={practiceText}
                onChange={(v) => {
                  setPracticeText(v);
                  const hit = options.find((p) => practiceLabel(p) === v);
                  setPractice(hit ?? null);
                }}
                data={[...new Set(options.map(practiceLabel))]}
                filter={({ options: o }) => o}
                error={errors.practiceId}
                required
              />
            ) : (
              <Stack gap="xs">
                <Text fw={600}>New practice</Text>
                <TextInput
                  label="Practice name"
                  value={np.name}
                  onChange={(e) => setNp({ ...np, name: e.currentTarget.value })}
                  error={errors['newPractice.name']}
                  required
                />
                <TextInput
                  label="Address"
                  value={np.address}
                  onChange={(e) => setNp({ ...np, address: e.currentTarget.value })}
                  error={errors['newPractice.address']}
                  required
                />
                <SimpleGrid cols={{ base: 1, sm: 2 }}>
                  <TextInput
                    label="Phone"
                    type="tel"
                    value={np.phone}
                    onChange={(e) => setNp({ ...np, phone: e.currentTarget.value })}
                    error={errors['newPractice.phone']}
                    required
                  />
                  <TextInput
                    label="Fax"
                    type="tel"
                    value={np.fax}
                    onChange={(e) => setNp({ ...np, fax: e.currentTarget.value })}
                    error={errors['newPractice.fax']}
                    required
                  />
                </SimpleGrid>
              </Stack>
            )}
            <Checkbox
              label="My practice is not in the list"
              checked={newPracticeMode}
              onChange={(e) => {
                setNewPracticeMode(e.currentTarget.checked);
                setLocalErrors({});
              }}
            />
            {practices.isError && (
              <Alert color="yellow">
                The practice list could not be loaded; you can add your practice as a new one.
              </Alert>
            )}
            <Button type="submit" loading={register.isPending}>
              Register
            </Button>
            <Anchor component={Link} to="/sign-in" size="sm">
              I already have an account
            </Anchor>
          </Stack>
        </form>
      </Paper>
    </Container>
  );
}
