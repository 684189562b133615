import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Patient } from './patient.entity.js';

/**
 * A PCP the MyPatients team set (a completed PCP update), to be sent back to the EHR. While one is
 * unacknowledged the EHR feed does not overwrite the patient's PCP (SPEC §7); the EHR acknowledges
 * it once its own record carries the change, and is again the source of truth.
 */
@Entity('ehr_pcp_changes')
@Index('idx_ehr_pcp_changes_pending', ['patientId', 'completedAt'], { where: '"acknowledged_at" IS NULL' })
@Index('idx_ehr_pcp_changes_completed', ['completedAt', 'id'])
export class EhrPcpChange {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  patientId: string;

  @ManyToOne(() => Patient, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'patient_id', foreignKeyConstraintName: 'fk_ehr_pcp_changes_patient' })
  patient?: Patient;

  @Column({ type: 'char', length: 10 })
  pcpNpi: string;

  @Column({ type: 'timestamptz' })
  completedAt: Date;

  /** The PCP-update request that made the change (pcp-updates' id; no foreign key across modules). */
  @Index('idx_ehr_pcp_changes_request')
  @Column({ type: 'uuid', nullable: true })
  requestId: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  acknowledgedAt: Date | null;
}
