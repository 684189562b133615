import { Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Patient } from './patient.entity.js';

@Entity('care_team_members')
export class CareTeamMember {
  @PrimaryColumn({ type: 'uuid' })
  patientId: string;

  @Index('idx_care_team_members_npi')
  @PrimaryColumn({ type: 'char', length: 10 })
  npi: string;

  @ManyToOne(() => Patient, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'patient_id', foreignKeyConstraintName: 'fk_care_team_members_patient' })
  patient?: Patient;
}
