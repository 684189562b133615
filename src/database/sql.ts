import { QueryFailedError, type DataSource, type EntityManager } from 'typeorm';

/**
 * The SQL toolkit repositories use. Repositories (`*.repository.ts`) are the only place SQL is
 * written; they take an optional `EntityManager` so a service can run several of them in one
 * transaction, and fall back to the data source's own manager otherwise.
 */
export type Queryable = EntityManager | DataSource;

/** The manager to run on: the caller's transaction when given, else the pool. */
export function on(dataSource: DataSource, manager?: EntityManager): EntityManager {
  return manager ?? dataSource.manager;
}

/** Rows of a SELECT or INSERT … RETURNING. */
export async function rows<T>(db: Queryable, sql: string, params: unknown[] = []): Promise<T[]> {
  return (await db.query(sql, params)) as T[];
}

/** The first row or `undefined`. */
export async function one<T>(db: Queryable, sql: string, params: unknown[] = []): Promise<T | undefined> {
  const result = (await db.query(sql, params)) as T[];
  return result[0];
}

/**
 * Runs an UPDATE/DELETE … RETURNING and gives its rows. (TypeORM's PostgreSQL driver answers such
 * statements with `[rows, rowCount]` but INSERT/SELECT with the rows alone.)
 */
export async function returning<T>(db: Queryable, sql: string, params: unknown[] = []): Promise<T[]> {
  const result: unknown = await db.query(sql, params);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') {
    return result[0] as T[];
  }
  return result as T[];
}

/** Runs an UPDATE/DELETE without RETURNING and gives the number of rows it touched. */
export async function affected(db: Queryable, sql: string, params: unknown[] = []): Promise<number> {
  const result: unknown = await db.query(sql, params);
  if (Array.isArray(result) && result.length === 2 && typeof result[1] === 'number') return result[1];
  return Array.isArray(result) ? result.length : 0;
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
    const driverError = (error as QueryFailedError & { driverError?: { code?: string; constraint?: string } }).driverError;
    return driverError ?? (error as unknown as { code?: string; constraint?: string });
  }
  if (error && typeof error === 'object' && 'code' in error) return error as { code?: string; constraint?: string };
  return undefined;
}
