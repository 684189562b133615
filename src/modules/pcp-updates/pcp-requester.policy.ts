import { conflict } from '../../common/errors/problem.js';
import type { PcpRequester } from './pcp-update.records.js';

/** Whose NPI completing a request may make the patient's PCP: pure rules of the completion. */
const GONE = ['deactivated', 'rejected'];

export function checkActive(requester: PcpRequester): void {
  if (GONE.includes(requester.status)) {
    throw conflict(
      'requester_inactive',
      'The requester’s account is no longer active; reject the request instead.',
    );
  }
}

/** A provider's own NPI; a sponsored user's sponsor's NPI (their practice's physician). */
export function npiToApply(requester: PcpRequester): string {
  checkActive(requester);
  const npi = requester.kind === 'sponsored' ? requester.sponsorNpi : requester.npi;
  if (
    requester.kind === 'sponsored' &&
    (!requester.sponsorStatus || GONE.includes(requester.sponsorStatus))
  ) {
    throw conflict(
      'requester_inactive',
      'The sponsored requester’s sponsor is no longer active; reject the request instead.',
    );
  }
  if (!npi)
    throw conflict(
      'requester_has_no_npi',
      'The requester has no NPI to make the patient’s PCP; reject the request instead.',
    );
  return npi.trim();
}
