import type { EntityManager } from 'typeorm';

/** Runs an UPDATE/DELETE … RETURNING and gives back the returned rows (TypeORM answers `[rows, count]`). */
export async function updateReturning<T = Record<string, unknown>>(manager: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
  const result = (await manager.query(sql, params)) as [T[], number] | T[];
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}
