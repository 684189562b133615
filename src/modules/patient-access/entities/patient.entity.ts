import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

@Check('ck_patients_pcp_npi', `"pcp_npi" ~ '^[0-9]{10}$'`)
@Entity('patients')
@Index('idx_patients_name_dob', ['searchLastName', 'searchFirstName', 'dob'])
export class Patient {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('uq_patients_mrn', { unique: true })
  @Column({ type: 'varchar', length: 32 })
  mrn: string;

  @Column({ type: 'varchar', length: 100 })
  firstName: string;

  @Column({ type: 'varchar', length: 100 })
  lastName: string;

  /** Names folded for search: lower case, accents removed (see `foldName`). */
  @Column({ type: 'varchar', length: 100 })
  searchFirstName: string;

  @Column({ type: 'varchar', length: 100 })
  searchLastName: string;

  @Column({ type: 'date' })
  dob: string;

  @Index('idx_patients_pcp_npi')
  @Column({ type: 'char', length: 10, nullable: true })
  pcpNpi: string | null;

  @Column({ type: 'boolean', default: false })
  hasPortalAccount: boolean;

  /** The EHR's `sourceUpdatedAt` of the last applied feed update: an older update changes nothing. */
  @Column({ type: 'timestamptz', nullable: true })
  sourceUpdatedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
