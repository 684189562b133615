import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/** The last run of each scheduled job (one row per job name, overwritten by each run): `GET /staff/jobs`. */
@Entity('job_runs')
@Check('ck_job_runs_status', `"last_status" IN ('succeeded', 'failed')`)
export class JobRun {
  @PrimaryColumn({ type: 'varchar', length: 60, primaryKeyConstraintName: 'PK_job_runs_name' })
  name: string;

  @Column({ type: 'timestamptz' })
  lastRunAt: Date;

  @Column({ type: 'date' })
  lastAsOf: string;

  /** Rows the run affected; null when it failed. */
  @Column({ type: 'integer', nullable: true })
  lastAffected: number | null;

  /** `succeeded` or `failed`. */
  @Column({ type: 'varchar', length: 20 })
  lastStatus: string;
}
