import { ProblemException } from '../../common/errors/problem.js';
import { PCP_UPDATE_STATUSES, type PcpUpdateStatus } from './entities/pcp-update-request.entity.js';
import {
  PCP_UPDATE_ACTIONS,
  transition,
  type PcpUpdateAction,
  type PcpUpdateState,
} from './pcp-update.transitions.js';

const ME = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';

/** Who holds the request and whether a confirmation is on it, for one case. */
type Situation = 'unassigned' | 'mine' | 'mine_confirmed' | 'theirs' | 'theirs_confirmed';
const SITUATIONS: Record<PcpUpdateStatus, Situation[]> = {
  open: ['unassigned'],
  in_progress: ['mine', 'mine_confirmed', 'theirs', 'theirs_confirmed'],
  // Closed requests keep their last assignee (or none) and, once completed, their confirmation.
  completed: ['mine_confirmed', 'theirs_confirmed'],
  rejected: ['unassigned', 'mine', 'theirs_confirmed'],
  // Withdrawn by the requester while open (no assignee) or while someone worked it.
  withdrawn: ['unassigned', 'theirs', 'mine_confirmed'],
};

function state(status: PcpUpdateStatus, situation: Situation): PcpUpdateState {
  return {
    status,
    assigneeId: situation === 'unassigned' ? null : situation.startsWith('mine') ? ME : OTHER,
    confirmedAt: situation.endsWith('confirmed') ? new Date('2026-11-16T15:00:00Z') : null,
  };
}

type Expected =
  | { to: PcpUpdateStatus; event: string; audit: string; notify?: string; noop?: true }
  | {
      code:
        | 'invalid_transition'
        | 'not_claimed'
        | 'not_assignee'
        | 'already_claimed'
        | 'confirmation_required'
        | 'request_not_pending';
      detail: string;
      extra?: object;
    };

const invalid = (verb: string, status: PcpUpdateStatus, label: string): Expected => ({
  code: 'invalid_transition',
  detail: `You cannot ${verb} a request that is ${label}.`,
  extra: { requestStatus: status },
});
const notAssignee = (verb: string): Expected => ({
  code: 'not_assignee',
  detail: `Only the team member who claimed the request may ${verb} it; release it first to take it over.`,
  extra: { assigneeId: OTHER },
});
const CLOSED = (status: 'completed' | 'rejected' | 'withdrawn'): Record<PcpUpdateAction, Expected> => ({
  claim: invalid('claim', status, status),
  release: invalid('release', status, status),
  confirm: invalid('record a confirmation for', status, status),
  complete: invalid('complete', status, status),
  reject: invalid('reject', status, status),
  withdraw: {
    code: 'request_not_pending',
    detail: `This request is ${status}: it can no longer be withdrawn.`,
    extra: { requestStatus: status },
  },
});

/** The expected answer for every status × action × situation, written out independently of the table. */
function expected(status: PcpUpdateStatus, action: PcpUpdateAction, situation: Situation): Expected {
  const mine = situation.startsWith('mine');
  const confirmed = situation.endsWith('confirmed');
  if (status === 'completed' || status === 'rejected' || status === 'withdrawn')
    return CLOSED(status)[action];
  // Whoever holds it, the requester may withdraw an open or in-progress request.
  if (action === 'withdraw') return { to: 'withdrawn', event: 'withdrawn', audit: 'pcp_update.withdraw' };
  if (status === 'open') {
    return {
      claim: { to: 'in_progress', event: 'claimed', audit: 'pcp_update.claim' },
      release: invalid('release', 'open', 'open'),
      confirm: { code: 'not_claimed', detail: 'Claim the request before you record a confirmation for it.' },
      complete: { code: 'not_claimed', detail: 'Claim the request before you complete it.' },
      reject: {
        to: 'rejected',
        event: 'rejected',
        audit: 'pcp_update.reject',
        notify: 'pcp-update-rejected',
      },
    }[action as Exclude<PcpUpdateAction, 'withdraw'>] as Expected;
  }
  switch (action) {
    case 'claim':
      return mine
        ? { to: 'in_progress', event: 'claimed', audit: 'pcp_update.claim', noop: true }
        : {
            code: 'already_claimed',
            detail: 'Another team member has already claimed this request.',
            extra: { assigneeId: OTHER },
          };
    case 'release':
      return { to: 'open', event: 'released', audit: 'pcp_update.release' };
    case 'confirm':
      return mine
        ? { to: 'in_progress', event: 'confirmation_recorded', audit: 'pcp_update.confirmation' }
        : notAssignee('record a confirmation for');
    case 'complete':
      if (!mine) return notAssignee('complete');
      return confirmed
        ? {
            to: 'completed',
            event: 'completed',
            audit: 'pcp_update.complete',
            notify: 'pcp-update-completed',
          }
        : {
            code: 'confirmation_required',
            detail: "Record the family's verbal confirmation before completing the request.",
          };
    case 'reject':
      return mine
        ? { to: 'rejected', event: 'rejected', audit: 'pcp_update.reject', notify: 'pcp-update-rejected' }
        : notAssignee('reject');
  }
}

const cases = PCP_UPDATE_STATUSES.flatMap((status) =>
  PCP_UPDATE_ACTIONS.flatMap((action) =>
    SITUATIONS[status].map((situation) => [status, action, situation] as const),
  ),
);

describe('PCP-update transition table', () => {
  it.each(cases)('%s × %s (%s) gives the rule or the catalogued refusal', (status, action, situation) => {
    const want = expected(status, action, situation);
    const run = () => transition(state(status, situation), action, ME);
    if ('code' in want) {
      let thrown: unknown;
      try {
        run();
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(ProblemException);
      const problem = thrown as ProblemException;
      expect(problem.getStatus()).toBe(409);
      expect(problem.getResponse()).toEqual({ code: want.code, detail: want.detail, ...want.extra });
    } else {
      expect(run()).toEqual({
        action,
        from: status,
        to: want.to,
        event: want.event,
        audit: want.audit,
        notify: want.notify ?? null,
        noop: want.noop === true,
      });
    }
  });

  it('covers every status and action', () => {
    expect(new Set(cases.map(([s, a]) => `${s}:${a}`)).size).toBe(
      PCP_UPDATE_STATUSES.length * PCP_UPDATE_ACTIONS.length,
    );
  });

  it('refuses an unknown status as an invalid transition rather than crashing', () => {
    expect(() =>
      transition({ status: 'archived' as PcpUpdateStatus, assigneeId: null, confirmedAt: null }, 'claim', ME),
    ).toThrow(expect.objectContaining({ code: 'invalid_transition' }));
  });
});
