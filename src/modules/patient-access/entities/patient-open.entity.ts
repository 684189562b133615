import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Patient } from './patient.entity.js';

/**
 * When a user last opened a patient's record (a successful `GET /patients/:patientId`): documents
 * received or changed after it are the record's `newDocuments` in `GET /me/patients`.
 */
@Entity('patient_opens')
export class PatientOpen {
  @PrimaryColumn({ type: 'uuid' })
  userId: string;

  @ManyToOne('User', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_patient_opens_user' })
  user?: unknown;

  @PrimaryColumn({ type: 'uuid' })
  patientId: string;

  @ManyToOne(() => Patient, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'patient_id', foreignKeyConstraintName: 'fk_patient_opens_patient' })
  patient?: Patient;

  @Column({ type: 'timestamptz' })
  openedAt: Date;
}
