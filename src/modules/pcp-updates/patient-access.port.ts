import type { EntityManager } from 'typeorm';

/**
 * What this module needs from PatientAccessModule (AccessDecisionService, PatientsService). The
 * module binds these tokens to those services with `useExisting`; nothing here decides access itself.
 */
export interface AccessDecision {
  allowed: boolean;
  basis: 'pcp_practice' | 'care_team' | 'approved_request' | 'token' | null;
}
export interface AccessDecider {
  decide(userId: string, patientId: string): Promise<AccessDecision>;
}
export interface PatientSummary {
  id: string;
  mrn: string;
  hasPortalAccount: boolean;
  pcpNpi: string | null;
}
export interface PatientDirectory {
  findById(id: string): Promise<PatientSummary | null>;
  setPcp(manager: EntityManager, patientId: string, npi: string): Promise<void>;
}
export const ACCESS_DECIDER = Symbol('ACCESS_DECIDER');
export const PATIENT_DIRECTORY = Symbol('PATIENT_DIRECTORY');
