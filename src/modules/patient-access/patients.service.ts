import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { notFound } from '../../common/errors/problem.js';
import { Clock } from '../../common/time/clock.js';
import { isUuid } from '../../common/validation/uuid.js';
import { type PatientCard, type PatientRef, PatientsRepository } from './patients.repository.js';

export type { PatientCard, PatientRef } from './patients.repository.js';

/** Patients as other modules see them: references, the PCP and the care team. */
@Injectable()
export class PatientsService {
  constructor(
    private readonly repository: PatientsRepository,
    private readonly clock: Clock,
  ) {}

  async findByMrn(mrn: string, manager?: EntityManager): Promise<PatientRef | null> {
    if (typeof mrn !== 'string' || !mrn || mrn.length > 32) return null;
    return (await this.repository.findRefByMrn(mrn, manager)) ?? null;
  }

  async findById(id: string, manager?: EntityManager): Promise<PatientRef | null> {
    if (typeof id !== 'string' || !isUuid(id)) return null;
    return (await this.repository.findRefById(id, manager)) ?? null;
  }

  /** Patients by id with names and PCP (unknown or malformed ids left out), e.g. for the PCP-update queue. */
  findCardsByIds(ids: string[], manager?: EntityManager): Promise<PatientCard[]> {
    const valid = ids.filter((id) => typeof id === 'string' && isUuid(id));
    return valid.length ? this.repository.findCardsByIds(valid, manager) : Promise.resolve([]);
  }

  /** Sets the PCP (e.g. a completed PCP update); access follows on the next request. */
  async setPcp(manager: EntityManager, patientId: string, npi: string): Promise<void> {
    if (!isUuid(patientId)) throw notFound('No such patient.');
    if (!(await this.repository.setPcp(patientId, npi, this.clock.now(), manager)))
      throw notFound('No such patient.');
  }

  /** The care team's NPIs, in order. */
  careTeamNpis(manager: EntityManager | undefined, patientId: string): Promise<string[]> {
    return this.repository.careTeamNpis(patientId, manager);
  }

  /** Replaces the care team with exactly these NPIs (duplicates ignored). */
  async replaceCareTeam(manager: EntityManager, patientId: string, npis: string[]): Promise<void> {
    if (!isUuid(patientId)) throw notFound('No such patient.');
    if (!(await this.repository.lock(patientId, manager))) throw notFound('No such patient.');
    await this.repository.replaceCareTeam(patientId, [...new Set(npis)], manager);
    await this.repository.touch(patientId, this.clock.now(), manager);
  }
}
