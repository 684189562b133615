import type { LockReason, UserKind, UserStatus } from '../../modules/identity/entities/user.entity.js';

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
}

export type ApiKeyScope = 'ehr' | 'portal';

/** An integration system calling with its API key. */
export interface ApiClient {
  scope: ApiKeyScope;
}
