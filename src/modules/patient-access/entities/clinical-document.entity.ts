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

/** HL7 v3 confidentiality codes the EHR sends; only `N` documents are ever shown. */
export const CONFIDENTIALITY_CODES = ['N', 'R', 'V'] as const;
export type Confidentiality = (typeof CONFIDENTIALITY_CODES)[number];

/** A document's body: text, or a JSON object (results, medications). */
export type DocumentBody = string | Record<string, unknown>;

@Check(
  'ck_clinical_documents_category',
  `"category" IN ('encounter', 'appointment', 'result', 'note', 'medication', 'allergy', 'problem')`,
)
@Check('ck_clinical_documents_confidentiality', `"confidentiality" IN ('N', 'R', 'V')`)
@Entity('clinical_documents')
@Index('idx_clinical_documents_patient_occurred', ['patientId', 'occurredAt', 'id'])
@Index('idx_clinical_documents_patient_category_occurred', ['patientId', 'category', 'occurredAt', 'id'])
/** The record's `withheld` count (partial; hand-written migration). */
@Index('idx_clinical_documents_withheld', { synchronize: false })
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

  /** A string or a JSON object, as the EHR fed it (returned deep-equal). */
  @Column({ type: 'jsonb' })
  body: DocumentBody;

  /**
   * HL7 v3 confidentiality: `N` normal; `R` restricted and `V` very restricted (adolescent-confidential,
   * behavioural health…) are never shown by any `/patients*` route, only counted as `withheld`.
   */
  @Column({ type: 'varchar', length: 1, default: 'N' })
  confidentiality: Confidentiality;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
