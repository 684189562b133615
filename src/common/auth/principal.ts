import type { LockReason, StaffRole, UserKind, UserStatus } from './account-vocabulary.js';

/** The signed-in caller, as the auth guard loaded it for this request. */
export interface AuthUser {
  id: string;
  sessionId: string;
  kind: UserKind;
  status: UserStatus;
  lockReason: LockReason | null;
  email: string;
  firstName: string;
  lastName: string;
  npi: string | null;
  practiceId: string | null;
  sponsorId: string | null;
  isSponsor: boolean;
  hospitalId: string | null;
  /** Staff roles as of this request (the guard loads them; empty for other kinds). */
  roles?: readonly StaffRole[];
}

export type ApiKeyScope = 'ehr' | 'portal';

/** An integration system calling with its API key. */
export interface ApiClient {
  scope: ApiKeyScope;
  /** The integration client whose key it was (absent for the development keys of the environment). */
  clientId?: string;
}
