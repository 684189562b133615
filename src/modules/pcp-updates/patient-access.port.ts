import type { EntityManager } from 'typeorm';
import type { AccessDecision, PatientCard, PatientRef } from '../patient-access/index.js';

/**
 * What this module needs from PatientAccessModule (AccessDecisionService, PatientsService, from
 * `../patient-access/index.js`). The module binds these tokens to those services with
 * `useExisting`; nothing here decides access or reads patient tables itself.
 */
// The shapes are patient-access's own (its index.ts); only the narrow interfaces below are this module's.
export type { AccessDecision, PatientCard } from '../patient-access/index.js';
/** A patient as the queue needs it (patient-access's PatientRef). */
export type PatientSummary = PatientRef;
export interface AccessDecider {
  decide(userId: string, patientId: string): Promise<AccessDecision>;
}
export interface PatientDirectory {
  findById(id: string, manager?: EntityManager): Promise<PatientSummary | null>;
  /** The patients with these ids (unknown ids left out, any order): one set-based read for a queue page. */
  findCardsByIds(ids: string[], manager?: EntityManager): Promise<PatientCard[]>;
  setPcp(manager: EntityManager, patientId: string, npi: string): Promise<void>;
}
/** The team's PCP changes the EHR must take over (EhrPcpChangesService). */
export interface PcpChangeLedger {
  /** Sets the PCP and records the change for the EHR feed, in the caller's transaction. */
  setPcpByTeam(
    manager: EntityManager,
    patientId: string,
    npi: string,
    requestId: string | null,
  ): Promise<{ changeId: string }>;
  forRequests(
    requestIds: string[],
    manager?: EntityManager,
  ): Promise<Array<{ id: string; requestId: string; acknowledgedAt: Date | null }>>;
}
/** The NPIs staff added to a practice (PracticeRosterService); its provider members come from identity's view. */
export interface PracticeRoster {
  rosterNpis(practiceId: string, manager?: EntityManager): Promise<string[]>;
}
export const PCP_CHANGE_LEDGER = Symbol('PCP_CHANGE_LEDGER');
export const PRACTICE_ROSTER = Symbol('PRACTICE_ROSTER');
export const ACCESS_DECIDER = Symbol('ACCESS_DECIDER');
export const PATIENT_DIRECTORY = Symbol('PATIENT_DIRECTORY');
