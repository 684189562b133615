import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderPage, stubApi } from '../../test/render';
import PatientsPage, { grantState } from './Patients';

const patient = {
  patientId: 'p1',
  mrn: 'MRN1',
  firstName: 'Rowan',
  lastName: 'Abernathy',
  dob: '2016-05-09',
};
const person = {
  id: 'u1',
  name: 'Morgan Ellis',
  kind: 'provider',
  npi: '1234567893',
  practice: { id: 'pr1', name: 'Maple Grove' },
};
const grant = {
  id: 'g1',
  basis: 'token',
  createdAt: '2026-11-16T15:00:00Z',
  expiresAt: '2099-11-17T05:00:00Z',
  revokedAt: null,
  revokedBy: null,
  sourceId: 'i1',
  userEmail: 'morgan@example.test',
  userId: 'u1',
  userName: 'Morgan Ellis',
};

function renderAs(roles: string[]) {
  let revoked = false;
  const calls = stubApi((url, init) => {
    if (url.pathname === '/api/v1/auth/refresh') return { status: 200, body: { accessToken: 'at-1' } };
    if (url.pathname === '/api/v1/me')
      return {
        status: 200,
        body: {
          id: 's1',
          kind: 'staff',
          email: 's@x',
          firstName: 'Casey',
          lastName: 'Team',
          roles,
          status: 'active',
        },
      };
    if (url.pathname === '/api/v1/staff/patients')
      return url.searchParams.get('mrn') === 'MRN1'
        ? { status: 200, body: { items: [patient] } }
        : {
            status: 404,
            body: { status: 404, title: 'Not Found', code: 'not_found', detail: 'No patient has this MRN.' },
          };
    if (url.pathname === '/api/v1/staff/patients/p1/access-log')
      return {
        status: 200,
        body: {
          items: [
            {
              at: '2026-11-16T15:10:00Z',
              user: person,
              userId: 'u1',
              userName: 'Morgan Ellis',
              userKind: 'provider',
              action: 'patient.view',
              basis: 'pcp_practice',
              outcome: 'success',
            },
          ],
          nextCursor: null,
        },
      };
    if (url.pathname === '/api/v1/staff/patients/p1/access-grants')
      return {
        status: 200,
        body: {
          items: [revoked ? { ...grant, revokedAt: '2026-11-16T16:00:00Z', revokedBy: 's1' } : grant],
          nextCursor: null,
        },
      };
    if (url.pathname === '/api/v1/staff/access-grants/g1' && init.method === 'DELETE') {
      revoked = true;
      return { status: 204 };
    }
    if (url.pathname === '/api/v1/staff/patients/p1/disclosures')
      return {
        status: 200,
        body: {
          items: [
            { at: '2026-11-16T15:10:00Z', user: person, action: 'patient.view', basis: 'pcp_practice' },
          ],
          nextCursor: null,
        },
      };
    return undefined;
  });
  renderPage(<PatientsPage />, { route: '/staff/patients' });
  return calls;
}

async function lookUp(mrn: string) {
  const user = userEvent.setup();
  await user.type(await screen.findByRole('textbox', { name: /Patient MRN/ }), mrn);
  await user.click(screen.getByRole('button', { name: 'Look up' }));
  return user;
}

describe('Patients (staff look-up by MRN)', () => {
  it('looks up by MRN and shows the access log with who, what and why', async () => {
    renderAs(['team']);
    await lookUp('MRN1');
    await screen.findByRole('heading', { name: 'Abernathy, Rowan' });
    const log = await screen.findByRole('table', { name: 'Access log' });
    expect(within(log).getByText('Morgan Ellis (provider, NPI 1234567893, Maple Grove)')).toBeInTheDocument();
    expect(within(log).getByText('patient.view')).toBeInTheDocument();
  });

  it('says when no patient has the MRN', async () => {
    renderAs(['team']);
    await lookUp('NOPE');
    expect(await screen.findByText('No patient has this MRN.')).toBeInTheDocument();
  });

  it('revokes a grant only after a confirmation that says what will happen', async () => {
    const calls = renderAs(['team']);
    const user = await lookUp('MRN1');
    await user.click(await screen.findByRole('tab', { name: 'Personal grants' }));
    await user.click(await screen.findByRole('button', { name: 'Revoke the grant of Morgan Ellis' }));
    const dialog = await screen.findByRole('dialog', { name: 'Revoke the personal grant' });
    expect(within(dialog).getByText(/can no longer open Rowan Abernathy's record/)).toBeInTheDocument();
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);
    await user.click(within(dialog).getByRole('button', { name: 'Revoke the grant' }));
    await waitFor(() =>
      expect(calls.some((c) => c.method === 'DELETE' && c.path === '/api/v1/staff/access-grants/g1')).toBe(
        true,
      ),
    );
    expect(await screen.findByText('Revoked')).toBeInTheDocument();
  });

  it('shows the disclosures tab to privacy staff only, and the grants tab to the team only', async () => {
    renderAs(['privacy']);
    await lookUp('MRN1');
    await screen.findByRole('heading', { name: 'Abernathy, Rowan' });
    expect(screen.getByRole('tab', { name: 'Accounting of disclosures' })).toBeInTheDocument();
    expect(screen.queryByRole('tab', { name: 'Personal grants' })).toBeNull();
  });

  it('hides the disclosures tab from team-only staff', async () => {
    renderAs(['team']);
    await lookUp('MRN1');
    // The roles are known once the grants tab (team) is there.
    await screen.findByRole('tab', { name: 'Personal grants' });
    expect(screen.queryByRole('tab', { name: 'Accounting of disclosures' })).toBeNull();
  });
});

describe('grant state', () => {
  const now = Date.parse('2026-11-16T15:00:00Z');
  it('tells revoked (by someone) from expired (revokedAt without revokedBy, or past expiresAt)', () => {
    const g = grant as Parameters<typeof grantState>[0];
    expect(grantState(g, now)).toBe('active');
    expect(grantState({ ...g, revokedAt: '2026-11-16T14:00:00Z', revokedBy: 's1' }, now)).toBe('revoked');
    expect(grantState({ ...g, revokedAt: '2026-11-16T14:00:00Z' }, now)).toBe('expired');
    expect(grantState({ ...g, expiresAt: '2026-11-16T14:00:00Z' }, now)).toBe('expired');
  });
});
