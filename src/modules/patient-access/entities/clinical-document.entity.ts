import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { Patient } from './patient.entity.js';

export const DOCUMENT_CATEGORIES = [
  'encounter',
  'appointment',
  'result',
  'note',
  'medication',
  'allergy',
  'problem',
] as const;
export type DocumentCategory = (typeof DOCUMENT_CATEGORIES)[number];

@Check(
  'ck_clinical_documents_category',
  `"category" IN ('encounter', 'appointment', 'result', 'note', 'medication', 'allergy', 'problem')`,
)
@Entity('clinical_documents')
@Index('idx_clinical_documents_patient_occurred', ['patientId', 'occurredAt', 'id'])
@Index('idx_clinical_documents_patient_category_occurred', ['patientId', 'category', 'occurredAt', 'id'])
export class ClinicalDocument {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  patientId: string;

  @ManyToOne(() => Patient, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'patient_id', foreignKeyConstraintName: 'fk_clinical_documents_patient' })
  patient?: Patient;

  /** The EHR's own identifier: documents are upserted by it. */
  @Index('uq_clinical_documents_external_id', { unique: true })
  @Column({ type: 'varchar', length: 128 })
  externalId: string;

  @Column({ type: 'varchar', length: 20 })
  category: DocumentCategory;

  @Column({ type: 'timestamptz' })
  occurredAt: Date;

  @Column({ type: 'varchar', length: 300 })
  title: string;

  @Column({ type: 'text' })
  body: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
