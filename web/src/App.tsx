import { Center, Loader, MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense, useState, type ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { ApiError } from './api/problem';
import { isValidationLocked, SessionProvider, useSession } from './auth/session';
import { Layout } from './components/Layout';
import { PatientSelectionPage } from './pages/PatientSelection';
import { SignInPage } from './pages/SignIn';
import { cssVariablesResolver, theme } from './theme';

// Everything but sign-in and Patient Selection loads on demand (initial JS budget: 250 KB gzip).
const RegisterPage = lazy(() => import('./pages/Register'));
const LandingPages = lazy(() => import('./pages/Landing'));
const RecordPage = lazy(() => import('./pages/Record'));
const MyPatientsPage = lazy(() => import('./pages/MyPatients'));
const MyRequestsPage = lazy(() => import('./pages/MyRequests'));
const AccountPage = lazy(() => import('./pages/Account'));
const SponsorPage = lazy(() => import('./pages/Sponsor'));
const ValidationPage = lazy(() => import('./pages/Validation'));
const HelpPage = lazy(() => import('./pages/Help'));
const MailboxPage = lazy(() => import('./pages/Mailbox'));
// The team console: its own chunk (issue 19: "the team console is a separate chunk").
const StaffConsole = lazy(() => import('./pages/staff/Console'));

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: (count, error) =>
          !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
        refetchOnWindowFocus: false,
        staleTime: 15_000,
      },
    },
  });
}

export function Providers({ children, queryClient }: { children: ReactNode; queryClient?: QueryClient }) {
  const [client] = useState(() => queryClient ?? makeQueryClient());
  return (
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver}>
      <QueryClientProvider client={client}>
        <SessionProvider>{children}</SessionProvider>
      </QueryClientProvider>
    </MantineProvider>
  );
}

function Loading() {
  return (
    <Center py="xl" role="status" aria-live="polite">
      <Loader aria-label="Loading" />
    </Center>
  );
}

/** Signed-in pages: while the session is restored, a loader; signed out, the sign-in page. */
type Audience = 'clinical' | 'staff' | 'any';

/**
 * Signed-in pages: while the session is restored, a loader; signed out, the sign-in page (which
 * returns here afterwards, unless the person signed out themselves: the next one starts at home).
 * Clinical pages send staff to their console and the reverse.
 */
function RequireAuth({
  children,
  allowLocked = false,
  audience = 'clinical',
}: {
  children: ReactNode;
  allowLocked?: boolean;
  audience?: Audience;
}) {
  const { state, me } = useSession();
  const location = useLocation();
  if (state.phase === 'loading') return <Loading />;
  if (state.phase === 'signed_out')
    return state.reason === 'user' ? (
      <Navigate to="/sign-in" replace />
    ) : (
      <Navigate to="/sign-in" replace state={{ from: location.pathname + location.search }} />
    );
  if (!allowLocked && isValidationLocked(me)) return <Navigate to="/sponsor/validation" replace />;
  if (audience === 'staff' && me?.kind !== 'staff') return <Navigate to="/" replace />;
  if (audience === 'clinical' && me?.kind === 'staff') return <Navigate to="/staff" replace />;
  return <>{children}</>;
}

function page(
  element: ReactNode,
  options: { auth?: boolean; allowLocked?: boolean; audience?: Audience } = {},
) {
  const inner = <Suspense fallback={<Loading />}>{element}</Suspense>;
  return options.auth ? (
    <RequireAuth allowLocked={options.allowLocked} audience={options.audience}>
      {inner}
    </RequireAuth>
  ) : (
    inner
  );
}

export function App() {
  return (
    <Layout>
      <Routes>
        <Route path="/" element={page(<Home />, { auth: true, audience: 'any' })} />
        <Route path="/staff/*" element={page(<StaffConsole />, { auth: true, audience: 'staff' })} />
        <Route path="/sign-in" element={page(<SignInPage />)} />
        <Route path="/sso" element={page(<SignInPage sso />)} />
        <Route path="/register" element={page(<RegisterPage />)} />
        <Route path="/forgot-password" element={page(<LandingPages action="forgot-password" />)} />
        <Route path="/reset-password" element={page(<LandingPages action="reset-password" />)} />
        <Route path="/verify-email" element={page(<LandingPages action="verify-email" />)} />
        <Route path="/activate" element={page(<LandingPages action="activate" />)} />
        <Route path="/unlock" element={page(<LandingPages action="unlock" />)} />
        <Route
          path="/confirm-email"
          element={page(<LandingPages action="confirm-email" />, { auth: true, audience: 'any' })}
        />
        <Route path="/help" element={page(<HelpPage />)} />
        <Route path="/dev/mailbox" element={page(<MailboxPage />)} />
        <Route path="/patients/:patientId" element={page(<RecordPage />, { auth: true })} />
        <Route path="/my-patients" element={page(<MyPatientsPage />, { auth: true })} />
        <Route path="/requests" element={page(<MyRequestsPage />, { auth: true })} />
        <Route
          path="/account"
          element={page(<AccountPage />, { auth: true, allowLocked: true, audience: 'any' })}
        />
        <Route path="/sponsor" element={page(<SponsorPage />, { auth: true })} />
        <Route
          path="/sponsor/validation"
          element={page(<ValidationPage />, { auth: true, allowLocked: true })}
        />
        <Route path="*" element={<NotFound />} />
      </Routes>
    </Layout>
  );
}

/** Home: Patient Selection for clinical users; the console's Today page for the MyPatients team. */
function Home() {
  const { me } = useSession();
  // Staff land on the console: Today for the team (what needs someone, each count opening its
  // queue); a staff member without `team` lands on their first page (Console.tsx).
  if (me?.kind === 'staff') return <Navigate to="/staff" replace />;
  return <PatientSelectionPage />;
}

function NotFound() {
  return (
    <Center py="xl">
      <p>
        This page does not exist. <a href="/">Go to Patient Selection</a>.
      </p>
    </Center>
  );
}
