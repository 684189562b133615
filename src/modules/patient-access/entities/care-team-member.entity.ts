import { Check, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Patient } from './patient.entity.js';

@Check('ck_care_team_members_npi', `"npi" ~ '^[0-9]{10}$'`)
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
