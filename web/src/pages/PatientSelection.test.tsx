import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderPage, stubApi } from '../test/render';
import { PatientSelectionPage } from './PatientSelection';

const granted = {
  patientId: '6f1c1c33-0000-4000-8000-000000000001',
  access: 'granted',
  mrn: 'MRN1',
  firstName: 'Avery',
  lastName: 'Quinlan',
  dob: '2015-03-04',
  basis: 'pcp_practice',
};
const notAuthorized = (extra: Record<string, unknown>) => ({
  patientId: '6f1c1c33-0000-4000-8000-000000000002',
  access: 'not_authorized',
  ...extra,
});

async function search(items: unknown[] | { status: number; body: unknown }, mrn = 'MRN1') {
  const calls = stubApi((url) => {
    if (url.pathname === '/api/v1/patients')
      return Array.isArray(items) ? { status: 200, body: { items } } : items;
    if (url.pathname.endsWith('/pcp-access-requests'))
      return { status: 201, body: { id: 'req-1', status: 'open', dueAt: '2026-11-19T22:00:00Z' } };
    return undefined;
  });
  renderPage(<PatientSelectionPage />);
  const user = userEvent.setup();
  await user.type(screen.getByRole('textbox', { name: 'MRN' }), mrn);
  await user.click(screen.getByRole('button', { name: 'Search' }));
  return { user, calls };
}

describe('Patient Selection', () => {
  it('shows a granted match with a link to the record by its opaque id', async () => {
    await search([granted]);
    expect(await screen.findByText('Quinlan, Avery')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /Open record of Avery Quinlan/ })).toHaveAttribute(
      'href',
      `/patients/${granted.patientId}`,
    );
  });

  it('offers both requests when the patient has a portal account', async () => {
    await search([
      notAuthorized({ actions: ['request_pcp_access', 'request_non_pcp_access'], portalAccount: true }),
    ]);
    expect(await screen.findByRole('button', { name: 'Request PCP access' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Request non-PCP access' })).toBeInTheDocument();
    expect(screen.queryByText(/no patient-portal account/)).not.toBeInTheDocument();
  });

  it('says when the patient has no portal account', async () => {
    await search([notAuthorized({ actions: ['request_pcp_access'], portalAccount: false })]);
    expect(await screen.findByText(/has no patient-portal account/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Request non-PCP access' })).not.toBeInTheDocument();
  });

  it('shows a pending request as pending, not offered again', async () => {
    await search([
      notAuthorized({
        actions: ['request_non_pcp_access'],
        portalAccount: true,
        pendingRequests: [{ kind: 'pcp', id: 'r1', status: 'open' }],
      }),
    ]);
    expect(await screen.findByText('Your PCP access request is pending.')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Request PCP access' })).not.toBeInTheDocument();
  });

  it('sends a PCP access request and then shows it pending', async () => {
    const { user, calls } = await search([
      notAuthorized({ actions: ['request_pcp_access'], portalAccount: false }),
    ]);
    await user.click(await screen.findByRole('button', { name: 'Request PCP access' }));
    await user.click(await screen.findByRole('button', { name: 'Send request' }));
    expect(await screen.findByText('Your PCP access request is pending.')).toBeInTheDocument();
    expect(calls.some((c) => c.method === 'POST' && c.path.endsWith('/pcp-access-requests'))).toBe(true);
  });

  it('has an empty state and an error state', async () => {
    await search([]);
    expect(await screen.findByText(/No patient matches/)).toBeInTheDocument();
  });

  it('shows a server error', async () => {
    await search({ status: 429, body: { status: 429, code: 'rate_limited', title: 'Too Many Requests' } });
    expect(await screen.findByRole('alert')).toHaveTextContent(/Too many attempts/);
  });

  it('asks for every name field before searching by name', async () => {
    const calls = stubApi(() => undefined);
    renderPage(<PatientSelectionPage />);
    const user = userEvent.setup();
    await user.click(screen.getByRole('radio', { name: 'Name and date of birth' }));
    await user.type(screen.getByRole('textbox', { name: 'Last name' }), 'Quinlan');
    await user.click(screen.getByRole('button', { name: 'Search' }));
    expect(await screen.findByText('Enter the first name.')).toBeInTheDocument();
    expect(screen.getByText('Enter the date of birth.')).toBeInTheDocument();
    expect(calls.some((c) => c.path.startsWith('/api/v1/patients'))).toBe(false);
  });
});
