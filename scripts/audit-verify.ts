import { DataSource } from 'typeorm';
import { loadAuditConfig } from '../src/config/app-config.js';
import { baseDataSourceOptions } from '../src/database/database-options.js';
import { keyRing, readCheckpoints, trailOf, verifyAuditTrail } from '../src/modules/audit/index.js';

/**
 * `npm run audit:verify` (docs/audit.md, "Verification"): recomputes every link of the audit trail
 * with AUDIT_HMAC_KEY (and AUDIT_HMAC_PREVIOUS_KEYS) and checks the database against every signed
 * checkpoint in AUDIT_CHECKPOINT_DIR. Exit code 0 intact, 1 broken, 2 cannot verify (wrong key,
 * no checkpoints, database unreachable). Entries not yet sealed are reported, not broken.
 */
const EXIT = { intact: 0, broken: 1, cannot_verify: 2 } as const;

async function main(): Promise<number> {
  const config = loadAuditConfig();
  const ring = keyRing(config.audit.hmacKey, config.audit.previousHmacKeys);
  const { checkpoints, unreadable } = await readCheckpoints(config.audit.checkpointDir);
  if (unreadable.length)
    console.warn(`warning: ${unreadable.length} unreadable checkpoint line(s), first ${unreadable[0]}`);
  const dataSource = new DataSource({
    ...baseDataSourceOptions(config),
    extra: { max: 1, application_name: 'mypatients-audit-verify' },
  });
  await dataSource.initialize();
  try {
    const report = await verifyAuditTrail(trailOf(dataSource), ring, checkpoints);
    const where = `${report.checkpoints} checkpoint(s) in ${config.audit.checkpointDir}`;
    if (report.status === 'intact') {
      console.log(
        `OK: ${report.sealed} sealed audit entries intact; ${where}` +
          (report.newestCheckpoint
            ? `, newest ${report.newestCheckpoint.lastId} at ${report.newestCheckpoint.at}.`
            : '.'),
      );
      if (report.head) console.log(`Head: ${report.head.id}:${report.head.link}`);
    } else if (report.status === 'broken') {
      console.error(
        `BROKEN${report.brokenAt ? ` at audit entry ${report.brokenAt}` : ''}: ${report.problem}`,
      );
      console.error(`${report.sealed} sealed entries before it are intact.`);
    } else {
      console.error(`CANNOT VERIFY: ${report.problem}`);
    }
    if (report.unsealed) console.log(`${report.unsealed} newer entries are not sealed yet (not an error).`);
    return EXIT[report.status];
  } finally {
    await dataSource.destroy();
  }
}

main().then(
  (code) => (process.exitCode = code),
  (error: Error) => {
    console.error(`CANNOT VERIFY: audit:verify failed: ${error.message}`);
    process.exitCode = 2;
  },
);
