import type { QueryResultRow } from 'pg';
import type { DataSource } from 'typeorm';
import { poolOf } from './sql.js';

/**
 * Runs a hot statement as a named prepared statement on the pool TypeORM manages: PostgreSQL
 * parses and plans it once per connection instead of on every request. For the access-decision
 * query (a CASE of EXISTS subqueries) planning costs more than executing: the benchmark measured
 * ~3.3 ms of database CPU per request unprepared and ~1.3 ms prepared (BENCHMARKS.md).
 *
 * `name` must be unique per distinct `text` (pg refuses one name for two texts). Outside a
 * transaction only: inside one, use the transaction's EntityManager as usual.
 */
export async function preparedQuery<T extends QueryResultRow>(
  dataSource: DataSource,
  name: string,
  text: string,
  values: unknown[],
): Promise<T[]> {
  const result = await poolOf(dataSource).query<T>({ name, text, values });
  return result.rows;
}
