import type { Pool, PoolClient } from 'pg';
import {
  QueryFailedError,
  QueryRunnerAlreadyReleasedError,
  type DataSource,
  type EntityManager,
} from 'typeorm';

/**
 * The SQL toolkit repositories use. Repositories (`*.repository.ts`) are the only place SQL is
 * written; they take an optional `EntityManager` so a service can run several of them in one
 * transaction, and fall back to the data source's own manager otherwise.
 */
export type Queryable = EntityManager | DataSource;

/**
 * Runs `work` in one transaction (BEGIN … COMMIT, ROLLBACK when it throws) and gives it the
 * transaction's manager. The one way services open a transaction: TypeORM's `dataSource.transaction`
 * does the same through its query runner's generic path (subscriber broadcasts, logging hooks and
 * result shaping for BEGIN and COMMIT), measurable CPU on every transactional request (BENCHMARKS.md).
 */
export async function inTransaction<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  const runner = dataSource.createQueryRunner();
  try {
    const client = (await runner.connect()) as PoolClient;
    await client.query('BEGIN');
    try {
      const result = await work(runner.manager);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      // The original error is what the caller hears, as with TypeORM's transaction.
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  } finally {
    await runner.release();
  }
}

/** The manager to run on: the caller's transaction when given, else the pool. */
export function on(dataSource: DataSource, manager?: EntityManager): EntityManager {
  return manager ?? dataSource.manager;
}

/** The pg pool TypeORM manages (its driver's `master`): for what needs a pg connection of its own. */
export function poolOf(dataSource: DataSource): Pool {
  return (dataSource.driver as unknown as { master: Pool }).master;
}

/**
 * Runs `work` holding a session-level advisory lock on a pooled connection of its own: `lock` takes it
 * (waiting), `unlock` gives it back. A connection whose unlock failed is closed rather than returned to
 * the pool still holding the lock (PostgreSQL releases a session's locks when it ends).
 */
export async function withSessionLock<T>(
  dataSource: DataSource,
  lock: { sql: string; params: unknown[] },
  unlock: { sql: string; params: unknown[] },
  work: () => Promise<T>,
): Promise<T> {
  const client = await poolOf(dataSource).connect();
  let unlockFailed: Error | undefined;
  try {
    await client.query(lock.sql, lock.params);
    try {
      return await work();
    } finally {
      await client
        .query(unlock.sql, unlock.params)
        .catch(
          (error: unknown) => (unlockFailed = error instanceof Error ? error : new Error(String(error))),
        );
    }
  } finally {
    client.release(unlockFailed);
  }
}

/** The pg connection to run on: the transaction's client (connected by TypeORM), else the pool TypeORM manages. */
async function connectionOf(db: Queryable): Promise<Pick<Pool | PoolClient, 'query'>> {
  const runner = (db as EntityManager).queryRunner;
  if (runner) {
    if (runner.isReleased) throw new QueryRunnerAlreadyReleasedError();
    return (await runner.connect()) as PoolClient;
  }
  return poolOf('driver' in db ? db : db.connection);
}

/**
 * Every statement of the toolkit runs here, straight on pg: TypeORM's query runner (a runner
 * object, logging hooks and a result-shape guess per statement) costs CPU on every request for
 * nothing a repository uses. pg's own errors reach the callers (`violatedConstraint` and the
 * problem filter read them as they read TypeORM's QueryFailedError).
 */
async function execute(
  db: Queryable,
  sql: string,
  params: unknown[],
): Promise<{ rows: unknown[]; rowCount: number | null }> {
  return (await connectionOf(db)).query(sql, params);
}

/** Rows of a SELECT, or of an INSERT/UPDATE/DELETE … RETURNING. */
export async function rows<T>(db: Queryable, sql: string, params: unknown[] = []): Promise<T[]> {
  return (await execute(db, sql, params)).rows as T[];
}

/** The first row or `undefined`. */
export async function one<T>(db: Queryable, sql: string, params: unknown[] = []): Promise<T | undefined> {
  return (await execute(db, sql, params)).rows[0] as T | undefined;
}

/** `rows`, under the name the UPDATE/DELETE … RETURNING callers use (pg answers every statement alike). */
export const returning = rows;

/** Runs an INSERT/UPDATE/DELETE and gives the number of rows it touched. */
export async function affected(db: Queryable, sql: string, params: unknown[] = []): Promise<number> {
  return (await execute(db, sql, params)).rowCount ?? 0;
}

const UNIQUE_VIOLATION = '23505';

/**
 * True when `error` is PostgreSQL's unique violation — of `constraint` when given (the constraint
 * or unique index name, e.g. `users_email_key`). The one way to detect it.
 */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const db = databaseError(error);
  if (db?.code !== UNIQUE_VIOLATION) return false;
  return constraint === undefined || db.constraint === constraint;
}

/** The constraint a unique violation names, if `error` is one. */
export function violatedConstraint(error: unknown): string | undefined {
  const db = databaseError(error);
  return db?.code === UNIQUE_VIOLATION ? db.constraint : undefined;
}

function databaseError(error: unknown): { code?: string; constraint?: string } | undefined {
  if (error instanceof QueryFailedError) {
    const driverError = (error as QueryFailedError & { driverError?: { code?: string; constraint?: string } })
      .driverError;
    return driverError ?? (error as unknown as { code?: string; constraint?: string });
  }
  if (error && typeof error === 'object' && 'code' in error)
    return error as { code?: string; constraint?: string };
  return undefined;
}
