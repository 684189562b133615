import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router';
import { describe, expect, it } from 'vitest';
import { renderPage, stubApi } from '../../test/render';
import PcpUpdatesPage, { lateFirst } from './PcpUpdates';

const base = {
  id: 'u1',
  status: 'in_progress',
  overdue: false,
  createdAt: '2026-11-16T15:00:00Z',
  dueAt: '2026-11-19T22:00:00Z',
  dueDate: '2026-11-19',
  ageDays: 0,
  ageBusinessDays: 0,
  appliedPcpNpi: null,
  assignee: { id: 's1', firstName: 'Casey', lastName: 'Team' },
  assigneeId: 's1',
  claimedAt: '2026-11-16T15:05:00Z',
  closedAt: null,
  closedBy: null,
  note: null,
  pcpNpiToApply: null,
  previousPcpNpi: null,
  rejectionReason: null,
  ehrAcknowledgedAt: null,
  ehrChangeId: null,
  patient: { id: 'p1', firstName: 'Rowan', lastName: 'Abernathy', mrn: 'MRN1', pcpNpi: '1111111111' },
  requester: {
    id: 'r1',
    email: 'morgan@example.test',
    firstName: 'Morgan',
    lastName: 'Ellis',
    kind: 'provider',
    npi: '1234567893',
    practice: { id: 'pr1', name: 'Maple Grove' },
    sponsor: null,
    status: 'active',
  },
  history: [],
};

const practice = {
  id: 'pr1',
  name: 'Maple Grove',
  address: '1 Main St',
  city: null,
  phone: '1',
  fax: '2',
  members: [
    {
      id: 'r1',
      email: 'm@x',
      firstName: 'Morgan',
      lastName: 'Ellis',
      isSponsor: false,
      kind: 'provider',
      npi: '1234567893',
      sponsorId: null,
      status: 'active',
    },
  ],
  roster: [{ npi: '1245319599' }],
};

function renderDetail(confirmation: unknown) {
  const calls = stubApi((url, init) => {
    if (url.pathname === '/api/v1/staff/pcp-updates/u1')
      return { status: 200, body: { ...base, confirmation } };
    if (url.pathname === '/api/v1/staff/practices/pr1') return { status: 200, body: practice };
    if (url.pathname === '/api/v1/staff/pcp-updates/u1/complete' && init.method === 'POST')
      return { status: 200, body: { id: 'u1', status: 'completed', assigneeId: 's1', pcpNpi: '1245319599' } };
    return undefined;
  });
  renderPage(
    <Routes>
      <Route path="/staff/pcp-updates/:id" element={<PcpUpdatesPage />} />
    </Routes>,
    { route: '/staff/pcp-updates/u1' },
  );
  return calls;
}

describe('PCP updates', () => {
  it('puts late requests first, then by due date', () => {
    const items = [
      { ...base, id: 'a', overdue: false, dueAt: '2026-11-18T22:00:00Z' },
      { ...base, id: 'b', overdue: true, dueAt: '2026-11-20T22:00:00Z' },
      { ...base, id: 'c', overdue: false, dueAt: '2026-11-17T22:00:00Z' },
    ] as unknown as Parameters<typeof lateFirst>[0];
    expect(lateFirst(items).map((i) => i.id)).toEqual(['b', 'c', 'a']);
  });

  it('does not offer completion before the family confirmed', async () => {
    renderDetail(null);
    await screen.findByRole('heading', { name: 'PCP update: Abernathy, Rowan' });
    expect(screen.getByText("Record the family's confirmation first.")).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Complete' })).toBeDisabled();
  });

  it('completes with the chosen physician (default: the requester), after a confirmation that says what will happen', async () => {
    const calls = renderDetail({
      confirmedAt: '2026-11-16T15:03:00Z',
      confirmedByName: 'Alex Abernathy',
      method: 'phone',
      relationship: 'mother',
      relationshipOther: null,
      recordedAt: '2026-11-16T15:04:00Z',
      recordedBy: 's1',
    });
    const user = userEvent.setup();
    await screen.findByRole('heading', { name: 'PCP update: Abernathy, Rowan' });
    // The requester is preselected (the browser test chooses a roster physician instead).
    await screen.findByDisplayValue('Morgan Ellis (NPI 1234567893)');
    await user.click(screen.getByRole('button', { name: 'Complete' }));
    const dialog = await screen.findByRole('dialog', { name: 'Complete the PCP update' });
    expect(within(dialog).getByText(/PCP becomes Morgan Ellis \(NPI 1234567893\)/)).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Complete the update' }));
    await waitFor(() =>
      expect(calls.some((c) => c.path === '/api/v1/staff/pcp-updates/u1/complete')).toBe(true),
    );
    expect(calls.find((c) => c.path === '/api/v1/staff/pcp-updates/u1/complete')?.body).toEqual({
      pcpNpi: '1234567893',
    });
  });
});
