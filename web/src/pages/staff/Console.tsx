import { Center, Loader, Text } from '@mantine/core';
import { lazy, Suspense, type ReactNode } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import { useRoles } from '../../staff/common';
import { allowedSections, type Role } from '../../staff/sections';
import RegistrationsPage from './Registrations';
import TodayPage from './Today';

// The whole console is one lazily loaded chunk (App.tsx); the heavier pages split further.
const PcpUpdatesPage = lazy(() => import('./PcpUpdates'));
const UsersPage = lazy(() => import('./Users'));
const InvitationsPage = lazy(() => import('./Invitations'));
const PatientsPage = lazy(() => import('./Patients'));
const EmailJobsPage = lazy(() => import('./EmailJobs'));
const PrivacyPage = lazy(() => import('./Privacy'));
const QueuesPage = lazy(() => import('./Queues'));

function Guard({ roles, children }: { roles: Role[]; children: ReactNode }) {
  const mine = useRoles();
  if (!roles.some((r) => mine.has(r)))
    return (
      <Text role="alert" py="xl">
        Your staff roles do not include this page.
      </Text>
    );
  return (
    <Suspense
      fallback={
        <Center py="xl" role="status">
          <Loader aria-label="Loading" />
        </Center>
      }
    >
      {children}
    </Suspense>
  );
}

/** Everything under /staff, for staff accounts only; each page checks the roles it needs. */
export default function StaffConsole() {
  const roles = useRoles();
  if (roles.size === 0) return <Navigate to="/" replace />;
  const first = allowedSections(roles)[0]?.to ?? '/account';
  const team: Role[] = ['team'];
  return (
    <Routes>
      <Route
        index
        element={
          roles.has('team') ? (
            <Guard roles={team}>
              <TodayPage />
            </Guard>
          ) : (
            <Navigate to={first} replace />
          )
        }
      />
      <Route
        path="registrations"
        element={
          <Guard roles={team}>
            <RegistrationsPage />
          </Guard>
        }
      />
      <Route
        path="pcp-updates"
        element={
          <Guard roles={team}>
            <PcpUpdatesPage />
          </Guard>
        }
      />
      <Route
        path="pcp-updates/:id"
        element={
          <Guard roles={team}>
            <PcpUpdatesPage />
          </Guard>
        }
      />
      <Route
        path="users"
        element={
          <Guard roles={['team', 'admin']}>
            <UsersPage />
          </Guard>
        }
      />
      <Route
        path="users/:userId"
        element={
          <Guard roles={['team', 'admin']}>
            <UsersPage />
          </Guard>
        }
      />
      <Route
        path="invitations"
        element={
          <Guard roles={team}>
            <InvitationsPage />
          </Guard>
        }
      />
      <Route
        path="patients"
        element={
          <Guard roles={['team', 'privacy']}>
            <PatientsPage />
          </Guard>
        }
      />
      <Route
        path="help-desk"
        element={
          <Guard roles={team}>
            <QueuesPage queue="help-desk" />
          </Guard>
        }
      />
      <Route
        path="practice-changes"
        element={
          <Guard roles={team}>
            <QueuesPage queue="practice-changes" />
          </Guard>
        }
      />
      <Route
        path="validations"
        element={
          <Guard roles={team}>
            <QueuesPage queue="validations" />
          </Guard>
        }
      />
      <Route
        path="email-jobs"
        element={
          <Guard roles={team}>
            <EmailJobsPage />
          </Guard>
        }
      />
      <Route
        path="privacy"
        element={
          <Guard roles={['privacy']}>
            <PrivacyPage />
          </Guard>
        }
      />
      <Route path="*" element={<Navigate to="/staff" replace />} />
    </Routes>
  );
}
