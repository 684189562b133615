import { problem, type ProblemException } from '../../common/errors/problem.js';
import type { PcpUpdateEventType } from './entities/pcp-update-event.entity.js';
import type { PcpUpdateStatus } from './entities/pcp-update-request.entity.js';

/**
 * The PCP-update workflow in one table: for every status × action, either the rule that applies
 * (next status, history event, audit action, guards, email to the requester) or the code it is
 * refused with. Every team command runs through `transition()`; the commands service only applies
 * the outcome (row, event, audit, email) in one transaction.
 *
 * Filing a request is the entry into the table (`PCP_UPDATE_CREATED`), not a transition of an
 * existing row. The overdue digest changes no status: it only reports requests still active past
 * their due date, so it has no row here.
 */
export const PCP_UPDATE_ACTIONS = ['claim', 'release', 'confirm', 'complete', 'reject', 'withdraw'] as const;
export type PcpUpdateAction = (typeof PCP_UPDATE_ACTIONS)[number];

export type PcpUpdateAuditAction =
  | 'pcp_update.request'
  | 'pcp_update.claim'
  | 'pcp_update.release'
  | 'pcp_update.confirmation'
  | 'pcp_update.complete'
  | 'pcp_update.reject'
  | 'pcp_update.withdraw';

/** Emails a transition sends to the requester (data `{firstName, requestId}`). */
export type PcpUpdateRequesterTemplate = 'pcp-update-completed' | 'pcp-update-rejected';

export type PcpUpdateRefusal =
  | 'invalid_transition'
  | 'not_claimed'
  | 'not_assignee'
  | 'already_claimed'
  | 'confirmation_required'
  | 'request_not_pending';

export interface PcpUpdateRule {
  to: PcpUpdateStatus;
  event: PcpUpdateEventType;
  audit: PcpUpdateAuditAction;
  /** The caller must be the request's assignee; otherwise refused with this code. */
  assignee?: 'not_assignee' | 'already_claimed';
  /** A family confirmation must be on the request (else `confirmation_required`). */
  confirmed?: true;
  /** Allowed but changes nothing: no event, no audit (re-claiming your own request). */
  noop?: true;
  notify?: PcpUpdateRequesterTemplate;
}

/** The verb each action is named with in refusal details ("You cannot … a request that is …"). */
export const ACTION_VERBS: Record<PcpUpdateAction, string> = {
  claim: 'claim',
  release: 'release',
  confirm: 'record a confirmation for',
  complete: 'complete',
  reject: 'reject',
  withdraw: 'withdraw',
};

const claimed = { assignee: 'not_assignee' } as const;
/** The requester's own action (the service checks the request is theirs); no email: they did it. */
const withdraw = { to: 'withdrawn', event: 'withdrawn', audit: 'pcp_update.withdraw' } as const;
/** A closed request takes no team action; a requester withdrawing it is told it is no longer pending. */
const closedStatus = {
  claim: 'invalid_transition',
  release: 'invalid_transition',
  confirm: 'invalid_transition',
  complete: 'invalid_transition',
  reject: 'invalid_transition',
  withdraw: 'request_not_pending',
} as const;

/** status × action → rule or refusal. Exhaustive by type: a new status or action must be placed here. */
export const PCP_UPDATE_TRANSITIONS: Record<
  PcpUpdateStatus,
  Record<PcpUpdateAction, PcpUpdateRule | PcpUpdateRefusal>
> = {
  open: {
    claim: { to: 'in_progress', event: 'claimed', audit: 'pcp_update.claim' },
    release: 'invalid_transition',
    confirm: 'not_claimed',
    complete: 'not_claimed',
    reject: { to: 'rejected', event: 'rejected', audit: 'pcp_update.reject', notify: 'pcp-update-rejected' },
    withdraw,
  },
  in_progress: {
    // Re-claiming your own request is a no-op; someone else's is taken.
    claim: {
      to: 'in_progress',
      event: 'claimed',
      audit: 'pcp_update.claim',
      assignee: 'already_claimed',
      noop: true,
    },
    // Anyone on the team may put a request back in the queue (e.g. to take over from an absent colleague).
    release: { to: 'open', event: 'released', audit: 'pcp_update.release' },
    confirm: {
      to: 'in_progress',
      event: 'confirmation_recorded',
      audit: 'pcp_update.confirmation',
      ...claimed,
    },
    complete: {
      to: 'completed',
      event: 'completed',
      audit: 'pcp_update.complete',
      ...claimed,
      confirmed: true,
      notify: 'pcp-update-completed',
    },
    reject: {
      to: 'rejected',
      event: 'rejected',
      audit: 'pcp_update.reject',
      ...claimed,
      notify: 'pcp-update-rejected',
    },
    // The requester may withdraw while the team works on it (the assignee sees it in the queue as withdrawn).
    withdraw,
  },
  completed: closedStatus,
  rejected: closedStatus,
  withdrawn: closedStatus,
};

/** Filing a request: the row starts open, with a `created` event, an audit entry and the team's email. */
export const PCP_UPDATE_CREATED = {
  to: 'open',
  event: 'created',
  audit: 'pcp_update.request',
  notifyTeam: 'pcp-request-team',
} as const satisfies {
  to: PcpUpdateStatus;
  event: PcpUpdateEventType;
  audit: PcpUpdateAuditAction;
  notifyTeam: string;
};

/** What `transition()` needs to know of the request (as locked in the caller's transaction). */
export interface PcpUpdateState {
  status: PcpUpdateStatus;
  assigneeId: string | null;
  confirmedAt: Date | null;
}

export interface PcpUpdateTransition {
  action: PcpUpdateAction;
  from: PcpUpdateStatus;
  to: PcpUpdateStatus;
  event: PcpUpdateEventType;
  audit: PcpUpdateAuditAction;
  notify: PcpUpdateRequesterTemplate | null;
  /** True when nothing is to be written (the caller already holds the claim). */
  noop: boolean;
}

/**
 * Decides `action` by `callerId` on a request in `state`: the outcome to apply, or throws the
 * catalogued refusal (`invalid_transition`, `not_claimed`, `not_assignee`, `already_claimed`,
 * `confirmation_required`) with the details the API has always given.
 */
export function transition(
  state: PcpUpdateState,
  action: PcpUpdateAction,
  callerId: string,
): PcpUpdateTransition {
  const entry = PCP_UPDATE_TRANSITIONS[state.status]?.[action];
  if (entry === undefined) throw refusal('invalid_transition', state, action);
  if (typeof entry === 'string') throw refusal(entry, state, action);
  if (entry.assignee && state.assigneeId !== callerId) throw refusal(entry.assignee, state, action);
  if (entry.confirmed && !state.confirmedAt) throw refusal('confirmation_required', state, action);
  return {
    action,
    from: state.status,
    to: entry.to,
    event: entry.event,
    audit: entry.audit,
    notify: entry.notify ?? null,
    noop: entry.noop === true,
  };
}

export function refusal(
  code: PcpUpdateRefusal,
  state: PcpUpdateState,
  action: PcpUpdateAction,
): ProblemException {
  const verb = ACTION_VERBS[action];
  switch (code) {
    case 'invalid_transition':
      // `requestStatus`: the problem body's own `status` is the HTTP status, so an extra `status` never reached the client.
      return problem(code, `You cannot ${verb} a request that is ${state.status.replace('_', ' ')}.`, {
        requestStatus: state.status,
      });
    case 'not_claimed':
      return problem(code, `Claim the request before you ${verb} it.`);
    case 'not_assignee':
      return problem(
        code,
        `Only the team member who claimed the request may ${verb} it; release it first to take it over.`,
        {
          assigneeId: state.assigneeId,
        },
      );
    case 'already_claimed':
      return problem(code, 'Another team member has already claimed this request.', {
        assigneeId: state.assigneeId,
      });
    case 'confirmation_required':
      return problem(code, "Record the family's verbal confirmation before completing the request.");
    case 'request_not_pending':
      return problem(
        code,
        `This request is ${state.status.replace('_', ' ')}: it can no longer be withdrawn.`,
        {
          requestStatus: state.status,
        },
      );
  }
}
