import pg from 'pg';
import { loadConfig } from '../src/config/app-config.js';
import { chainHasHead, verifyAuditChain } from '../src/modules/audit/audit-chain.js';

/**
 * `npm run audit:verify`: walks the audit trail's hash chain and reports the first broken link.
 * Exit code 0 when intact, 1 when broken, 2 on error. `--expect-head <id>:<hash>` also checks
 * that a previously noted head is still in the chain (detects removal of the tail).
 */
const config = loadConfig();
const client = new pg.Client({ connectionString: config.databaseUrl });
try {
  await client.connect();
  const query = async (sql: string, params: unknown[]) => (await client.query(sql, params)).rows;
  const report = await verifyAuditChain(query);
  const expectIdx = process.argv.indexOf('--expect-head');
  if (report.ok && expectIdx > 0) {
    const [id, hash] = (process.argv[expectIdx + 1] ?? '').split(':');
    if (!(await chainHasHead(query, { id, hash }))) {
      console.error(
        `BROKEN: the noted head ${id} is missing or changed (the tail was removed or rewritten).`,
      );
      process.exitCode = 1;
    }
  }
  if (report.ok) {
    console.log(`OK: ${report.checked} audit entries, chain intact.`);
    if (report.head)
      console.log(`Head: ${report.head.id}:${report.head.hash} (note it; check later with --expect-head)`);
  } else {
    console.error(
      `BROKEN at audit entry ${report.firstBreak!.id} (${report.firstBreak!.reason}): ${report.firstBreak!.detail}`,
    );
    console.error(`${report.checked} entries before it are intact.`);
    process.exitCode = 1;
  }
} catch (error) {
  console.error(`audit:verify failed: ${(error as Error).message}`);
  process.exitCode = 2;
} finally {
  await client.end().catch(() => undefined);
}
