import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { on, rows, withSessionLock } from '../../database/sql.js';

/** A job's last run as `job_runs` keeps it. */
export interface LastJobRun {
  name: string;
  lastRunAt: Date;
  lastAsOf: string;
  lastAffected: number | null;
  lastStatus: 'succeeded' | 'failed';
}

/** The jobs module's SQL: `job_runs` (each job's last run) and the advisory lock that makes a job run once at a time across instances. */
@Injectable()
export class JobsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Runs `work` holding the session-level advisory lock `key` (waiting for it), on a dedicated connection. */
  withAdvisoryLock<T>(key: string, work: () => Promise<T>): Promise<T> {
    return withSessionLock(
      this.dataSource,
      { sql: `SELECT pg_advisory_lock(hashtext($1))`, params: [key] },
      { sql: `SELECT pg_advisory_unlock(hashtext($1))`, params: [key] },
      work,
    );
  }

  /** Overwrites the job's last run. */
  async recordRun(run: LastJobRun): Promise<void> {
    await rows(
      on(this.dataSource),
      `INSERT INTO job_runs (name, last_run_at, last_as_of, last_affected, last_status) VALUES ($1, $2, $3::date, $4, $5)
       ON CONFLICT (name) DO UPDATE SET last_run_at = EXCLUDED.last_run_at, last_as_of = EXCLUDED.last_as_of,
              last_affected = EXCLUDED.last_affected, last_status = EXCLUDED.last_status`,
      [run.name, run.lastRunAt, run.lastAsOf, run.lastAffected, run.lastStatus],
    );
  }

  async lastRuns(): Promise<LastJobRun[]> {
    const found = await rows<{
      name: string;
      last_run_at: Date;
      last_as_of: string;
      last_affected: number | null;
      last_status: 'succeeded' | 'failed';
    }>(
      on(this.dataSource),
      `SELECT name, last_run_at, to_char(last_as_of, 'YYYY-MM-DD') AS last_as_of, last_affected, last_status FROM job_runs`,
    );
    return found.map((r) => ({
      name: r.name,
      lastRunAt: r.last_run_at,
      lastAsOf: r.last_as_of,
      lastAffected: r.last_affected,
      lastStatus: r.last_status,
    }));
  }
}
