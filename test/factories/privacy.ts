import { AuditService, type AuditEntry } from '../../src/modules/audit/index.js';
import { type Container, serviceOf } from './index.js';

/**
 * Writes `count` audit entries made from `entry(i)` through AuditService.recordMany, set-based:
 * one statement per `chunk` entries (all at the app clock's time). For the export's volume tests.
 */
export async function recordAuditEntries(
  app: Container,
  count: number,
  entry: (i: number) => AuditEntry,
  chunk = 10_000,
): Promise<void> {
  const audit = serviceOf(app, AuditService);
  for (let start = 0; start < count; start += chunk) {
    const size = Math.min(chunk, count - start);
    await audit.recordMany(Array.from({ length: size }, (_, k) => entry(start + k)));
  }
}
