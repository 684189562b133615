import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** The jobs module's SQL: no table, only the advisory lock that makes a job run once at a time across instances. */
@Injectable()
export class JobsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Runs `work` holding the session-level advisory lock `key` (waiting for it), on a dedicated connection. */
  async withAdvisoryLock<T>(key: string, work: () => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query(`SELECT pg_advisory_lock(hashtext($1))`, [key]);
      try {
        return await work();
      } finally {
        await runner.query(`SELECT pg_advisory_unlock(hashtext($1))`, [key]);
      }
    } finally {
      await runner.release();
    }
  }
}
