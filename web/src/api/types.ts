/**
 * Response shapes of the contract (../shared/API.md v1 + v1.1) that the portal reads. The
 * generated schema (schema.d.ts) types paths, parameters and request bodies; the server's
 * OpenAPI document does not describe every response yet, so the pages read responses through
 * these interfaces (each field named by the contract).
 */
export type Kind = 'provider' | 'sponsored' | 'staff';
export type Basis = 'pcp_practice' | 'care_team' | 'approved_request' | 'token';
export type Category = 'encounter' | 'appointment' | 'result' | 'note' | 'medication' | 'allergy' | 'problem';

export interface Page<T> {
  items: T[];
  nextCursor?: string | null;
}

export interface Me {
  id: string;
  kind: Kind;
  email: string;
  firstName: string;
  lastName: string;
  npi: string | null;
  practice: { id: string; name: string } | null;
  isSponsor: boolean;
  status: string;
  lockReason: string | null;
  roles?: string[];
}

export type LoginResult =
  | { status: 'mfa_enrollment_required'; mfaToken: string; secret: string; otpauthUri: string }
  | { status: 'mfa_required'; mfaToken: string };

export interface Tokens {
  accessToken: string;
  refreshToken?: string;
  expiresIn?: number;
  user?: Me;
}

export interface Practice {
  id: string;
  name: string;
  city?: string | null;
}

export interface PendingRequest {
  kind: 'pcp' | 'non_pcp';
  id: string;
  status: string;
}

export type PatientMatch =
  | {
      patientId: string;
      access: 'granted';
      mrn: string;
      firstName: string;
      lastName: string;
      dob: string;
      basis: Basis;
    }
  | {
      patientId: string;
      access: 'not_authorized';
      actions: Array<'request_pcp_access' | 'request_non_pcp_access'>;
      portalAccount: boolean;
      pendingRequests?: PendingRequest[];
    };

export interface PatientRecord {
  patientId: string;
  mrn: string;
  firstName: string;
  lastName: string;
  dob: string;
  pcp: { npi: string; name: string | null } | null;
  careTeam: Array<{ npi: string; name?: string | null } | string>;
  basis: Basis;
}

export interface ClinicalDocument {
  id: string;
  category: Category;
  occurredAt: string;
  title: string;
  body: string | Record<string, unknown>;
  confidentiality?: string;
}

export interface DocumentPage extends Page<ClinicalDocument> {
  withheld?: number;
}

export interface AccessRequest {
  id: string;
  patientId?: string;
  status: string;
  createdAt?: string;
  dueAt?: string;
  expiresAt?: string;
  outcome?: string;
}

export interface MyPatient {
  patientId: string;
  mrn: string;
  firstName: string;
  lastName: string;
  dob: string;
  basis: Basis;
  grantExpiresAt?: string | null;
  newDocuments: number;
}

export interface Session {
  id: string;
  createdAt: string;
  lastActiveAt: string;
  method: 'password_totp' | 'sso';
  current: boolean;
}

export interface SponsoredUser {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  role: string;
  status: string;
}

export interface Validation {
  id: string;
  period: string;
  dueAt: string;
  lastDay?: string;
  status: 'pending' | 'overdue' | 'completed';
  users: Array<{ id: string; firstName: string; lastName: string; email: string; role: string }>;
}

export interface SupportRequest {
  id: string;
  status: string;
  createdAt: string;
  dueAt: string;
  replies?: Array<{ at: string; from: 'team' | 'requester'; message: string }>;
}

export interface ProblemBody {
  status: number;
  title?: string;
  detail?: string;
  code?: string;
  errors?: Array<{ field: string; message: string }>;
  actions?: string[];
}
