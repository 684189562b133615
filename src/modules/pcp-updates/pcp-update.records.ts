import type { PcpUpdateEventType } from './entities/pcp-update-event.entity.js';
import type {
  ConfirmationMethod,
  ConfirmationRelationship,
  PcpUpdateStatus,
} from './entities/pcp-update-request.entity.js';

/** The domain objects PcpUpdateRequestsRepository reads and writes (camelCase; row shapes stay in the repository). */

/** The request as the workflow reads it (locked) inside a transaction. */
export interface PcpUpdateRequestState {
  id: string;
  patientId: string;
  requesterId: string;
  status: PcpUpdateStatus;
  assigneeId: string | null;
  createdAt: Date;
  dueAt: Date;
  confirmedAt: Date | null;
}

/** The requester as the workflow needs them, read from identity's `account_directory`. */
export interface PcpRequester {
  id: string;
  kind: string;
  email: string;
  firstName: string;
  lastName: string;
  npi: string | null;
  status: string;
  sponsorId: string | null;
  sponsorNpi: string | null;
  sponsorStatus: string | null;
  /** The requester's effective practice (a sponsored user's is their sponsor's), whose physicians may become the PCP. */
  practiceId: string | null;
  /** Name of the requester's effective practice (a sponsored user's is their sponsor's). */
  practiceName: string | null;
}

export interface NewPcpUpdateRequest {
  patientId: string;
  requesterId: string;
  note: string | null;
  createdAt: Date;
  dueAt: Date;
}

export interface NewPcpUpdateEvent {
  requestId: string;
  at: Date;
  actorId: string | null;
  type: PcpUpdateEventType;
  fromStatus: PcpUpdateStatus | null;
  toStatus: PcpUpdateStatus;
  details: Record<string, unknown>;
}

export interface PcpConfirmation {
  confirmedByName: string;
  relationship: ConfirmationRelationship;
  /** Only with relationship `other`. */
  relationshipOther: string | null;
  method: ConfirmationMethod;
  confirmedAt: Date;
  recordedBy: string;
  recordedAt: Date;
}

export interface QueueFilter {
  /** The instant "late" is judged at (the first page's, when paging). */
  now: Date;
  ids?: string[];
  statuses?: string[];
  overdue?: boolean;
  /** A user id, or `none` for unassigned. */
  assignee?: string;
  /** Keyset position after which to read: the last row's (late, dueAt at full precision, id). */
  after?: { late: boolean; dueAt: string; id: string };
  /** Rows to read (callers ask for one more than the page to learn whether another follows). */
  take: number;
}

/** One queue row: the request with its requester, sponsor, effective practice and assignee (no patient data). */
export interface QueueRecord {
  id: string;
  status: PcpUpdateStatus;
  patientId: string;
  note: string | null;
  createdAt: Date;
  dueAt: Date;
  /** `dueAt` as full-precision text, for the cursor. */
  dueAtCursor: string;
  late: boolean;
  claimedAt: Date | null;
  closedAt: Date | null;
  closedBy: string | null;
  rejectionReason: string | null;
  appliedPcpNpi: string | null;
  previousPcpNpi: string | null;
  confirmedByName: string | null;
  confirmationRelationship: string | null;
  confirmationRelationshipOther: string | null;
  confirmationMethod: string | null;
  confirmedAt: Date | null;
  confirmationRecordedBy: string | null;
  confirmationRecordedAt: Date | null;
  requester: {
    id: string;
    kind: string;
    firstName: string;
    lastName: string;
    email: string;
    npi: string | null;
    status: string;
  };
  sponsor: { id: string; firstName: string | null; lastName: string | null; npi: string | null } | null;
  practice: { id: string; name: string | null } | null;
  assignee: { id: string; firstName: string | null; lastName: string | null } | null;
}

export interface PcpUpdateHistoryEntry {
  id: string;
  at: Date;
  type: PcpUpdateEventType;
  fromStatus: PcpUpdateStatus | null;
  toStatus: PcpUpdateStatus;
  actorId: string | null;
  actorName: string | null;
  details: Record<string, unknown>;
}

export interface LateRequest {
  id: string;
  status: PcpUpdateStatus;
  createdAt: Date;
  dueAt: Date;
  /** The assignee's full name, or null when unclaimed. */
  assigneeName: string | null;
}

/** One of the requester's own requests, as `GET /pcp-access-requests` lists it. */
export interface OwnPcpRequest {
  id: string;
  patientId: string;
  status: PcpUpdateStatus;
  createdAt: Date;
  /** `createdAt` at full precision, for the cursor. */
  createdAtCursor: string;
  dueAt: Date;
}
