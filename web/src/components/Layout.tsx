import { Anchor, AppShell, Burger, Button, Group, Modal, NavLink, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { type ReactNode } from 'react';
import { Link, useLocation } from 'react-router';
import { isValidationLocked, useSession } from '../auth/session';
import { allowedSections, rolesOf } from '../staff/sections';
import { ValidateTokenButton } from './ValidateToken';

interface NavItem {
  to: string;
  label: string;
}

function navItems(kind: string, isSponsor: boolean, locked: boolean, roles?: string[]): NavItem[] {
  // The team console: only the pages the staff member's roles allow (issue 20).
  if (kind === 'staff') return [...allowedSections(rolesOf(roles)), { to: '/account', label: 'Account' }];
  if (locked)
    return [
      { to: '/sponsor/validation', label: 'Validation' },
      { to: '/account', label: 'Account' },
    ];
  return [
    { to: '/', label: 'Patient Selection' },
    { to: '/my-patients', label: 'My patients' },
    { to: '/requests', label: 'My requests' },
    ...(isSponsor ? [{ to: '/sponsor', label: 'My staff' }] : []),
    { to: '/account', label: 'Account' },
  ];
}

export function Layout({ children }: { children: ReactNode }) {
  const { me, signOut, idleWarning, stayActive } = useSession();
  const [opened, { toggle, close }] = useDisclosure(false);
  const location = useLocation();
  const locked = isValidationLocked(me);
  const items = me ? navItems(me.kind, me.isSponsor, locked, me.roles) : [];
  const current = (to: string) =>
    to === '/' || to === '/staff' ? location.pathname === to : location.pathname.startsWith(to);

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={me ? { width: 220, breakpoint: 'md', collapsed: { mobile: !opened } } : undefined}
      padding="md"
    >
      <a href="#main" className="skip-link">
        Skip to main content
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            {me && <Burger opened={opened} onClick={toggle} hiddenFrom="md" size="sm" aria-label="Menu" />}
            <Anchor component={Link} to="/" fw={700} size="lg" underline="never" onClick={close}>
              MyPatients
            </Anchor>
          </Group>
          {me && (
            <Group gap="xs" wrap="nowrap">
              {!locked && me.kind !== 'staff' && <ValidateTokenButton />}
              <Button variant="subtle" size="compact-sm" onClick={() => void signOut()} visibleFrom="sm">
                Sign out
              </Button>
            </Group>
          )}
        </Group>
      </AppShell.Header>
      {me && (
        <AppShell.Navbar p="xs" aria-label="Main">
          <nav aria-label="Main">
            <Stack gap={2}>
              {items.map((item) => (
                <NavLink
                  key={item.to}
                  component={Link}
                  to={item.to}
                  label={item.label}
                  active={current(item.to)}
                  variant="filled"
                  aria-current={current(item.to) ? 'page' : undefined}
                  onClick={close}
                />
              ))}
            </Stack>
            <Text size="xs" c="dimmed" mt="md" px="xs">
              Signed in as {me.firstName} {me.lastName}
            </Text>
            <Button variant="subtle" size="compact-sm" mt="xs" onClick={() => void signOut()} hiddenFrom="sm">
              Sign out
            </Button>
          </nav>
        </AppShell.Navbar>
      )}
      <AppShell.Main id="main" tabIndex={-1}>
        {children}
      </AppShell.Main>
      <Modal opened={idleWarning} onClose={stayActive} title="Are you still there?" centered>
        <Stack>
          <Text>For privacy, you will be signed out in one minute because nothing happened for a while.</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => void signOut()}>
              Sign out now
            </Button>
            <Button onClick={stayActive} data-autofocus>
              Stay signed in
            </Button>
          </Group>
        </Stack>
      </Modal>
    </AppShell>
  );
}
