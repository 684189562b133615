// The SQL statements of the measured routes, for the bare baseline server. Taken from the
// production build where the services export them; copied (and listed in BENCHMARKS.md) where
// they do not. Keep each copy statement-for-statement identical to the service it mirrors: the
// baseline must do the same database work as the app so the ratio measures the framework.
import { importDistIfPresent } from './lib.mjs';

/** JwtStrategy.validate (src/modules/identity/auth/jwt.strategy.ts) — copied: not exported. */
export const SESSION_USER_SQL = `SELECT u.id, u.kind, u.status, u.lock_reason, u.email, u.first_name, u.last_name, u.npi,
              u.practice_id, u.sponsor_id, u.is_sponsor, u.hospital_id, s.revoked_at, s.expires_at
         FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.id = $1::uuid AND u.id = $2::uuid`;

/** AuditService.record (src/modules/audit/audit.service.ts) — copied: not exported. */
export const AUDIT_INSERT_SQL = `INSERT INTO audit_events (at, actor_id, actor_kind, action, patient_id, basis, outcome, details, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, '')`;

export async function loadHotPathSql() {
  const decision = await importDistIfPresent('src/modules/patient-access/access-decision.service.js');
  const sources = {};
  const viewerCte = decision?.viewerCte;
  const basisSql = decision?.basisSql;
  if (!viewerCte || !basisSql) {
    throw new Error('patient-access (viewerCte/basisSql in access-decision.service) is not in dist/ yet: merge main first');
  }
  sources.accessDecision = 'imported from dist/src/modules/patient-access/access-decision.service.js (viewerCte, basisSql)';
  sources.session = 'copied from jwt.strategy.ts (JwtStrategy.validate)';
  sources.audit = 'copied from audit.service.ts (AuditService.record)';

  return {
    sources,
    sessionUser: SESSION_USER_SQL,
    audit: AUDIT_INSERT_SQL,
    /** AccessDecisionService.decide */
    decide: `WITH v AS (${viewerCte('$1')})
       SELECT ${basisSql('v', 'p')} AS basis
         FROM patients p LEFT JOIN v ON true
        WHERE p.id = $2`,
    /** AccessDecisionService.decideMany */
    decideMany: `WITH v AS (${viewerCte('$1')})
       SELECT p.id, ${basisSql('v', 'p')} AS basis
         FROM patients p LEFT JOIN v ON true
        WHERE p.id = ANY($2::uuid[])`,
  };
}
