// The SQL statements of the measured routes, for the bare baseline server. Taken from the
// production build where the services export them; copied (and listed in BENCHMARKS.md) where
// they do not. Keep each copy statement-for-statement identical to the service it mirrors: the
// baseline must do the same database work as the app so the ratio measures the framework.
import { createHash } from 'node:crypto';
import { importDistIfPresent } from './lib.mjs';

/** JwtStrategy.validate (src/modules/identity/auth/jwt.strategy.ts) — copied: not exported. */
export const SESSION_USER_SQL = `SELECT u.id, u.kind,
              CASE WHEN u.status = 'locked' AND u.lock_reason = 'failed_logins' AND u.locked_until <= $3 THEN 'active' ELSE u.status END AS status,
              CASE WHEN u.status = 'locked' AND u.lock_reason = 'failed_logins' AND u.locked_until <= $3 THEN NULL ELSE u.lock_reason END AS lock_reason,
              u.email, u.first_name, u.last_name, u.npi,
              u.practice_id, u.sponsor_id, u.is_sponsor, u.hospital_id, s.revoked_at, s.expires_at
         FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.id = $1::uuid AND u.id = $2::uuid`;

/** AuditEventsRepository.insert (src/modules/audit/audit-events.repository.ts) — copied: not exported. */
export const AUDIT_INSERT_SQL = `INSERT INTO audit_events (id, at, actor_id, actor_kind, action, patient_id, basis, outcome, details)
       VALUES (audit_next_id(), $1, $2, $3, $4, $5, $6, $7, $8::jsonb)`;

/** patient-records.service.ts PATIENT_COLUMNS — copied: not exported. */
const PATIENT_COLUMNS = `p.id, p.mrn, p.first_name AS "firstName", p.last_name AS "lastName",
  to_char(p.dob, 'YYYY-MM-DD') AS dob, p.pcp_npi AS "pcpNpi", p.has_portal_account AS "hasPortalAccount"`;

/** PatientRecordsService.summary's PCP + care-team query — copied: not exported. */
const SUMMARY_PEOPLE_SQL = `SELECT x.npi, x.role, u.first_name AS "firstName", u.last_name AS "lastName"
           FROM (SELECT pcp_npi AS npi, 'pcp' AS role FROM patients WHERE id = $1 AND pcp_npi IS NOT NULL
                 UNION ALL
                 SELECT npi, 'care_team' FROM care_team_members WHERE patient_id = $1) x
           LEFT JOIN users u ON u.npi = x.npi AND u.kind = 'provider'
          ORDER BY x.role DESC, u.last_name NULLS LAST, x.npi`;

/** InvitationsService.validate's spend statement — copied: not exported. */
const SPEND_INVITATION_SQL = `UPDATE invitations i SET used_at = $3, used_by = $4
             FROM patients p
            WHERE i.token_hash = $1 AND p.id = i.patient_id AND p.mrn = $2
              AND i.used_at IS NULL AND i.expires_at > $3
            RETURNING i.id, i.patient_id`;

/** AccessGrantsService.grant — copied: not exported. */
const GRANT_SQL = `INSERT INTO access_grants (user_id, patient_id, basis, source_id, created_at)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (user_id, patient_id, basis) WHERE revoked_at IS NULL DO NOTHING
       RETURNING id`;
const EXISTING_GRANT_SQL = `SELECT id FROM access_grants WHERE user_id = $1 AND patient_id = $2 AND basis = $3 AND revoked_at IS NULL`;

const NO_PORTAL_NOTICE =
  'This patient has no patient-portal account, so a non-PCP access request cannot be sent. You can ask the MyPatients team to update the PCP.';
const notAuthorizedInfo = (portalAccount) =>
  portalAccount
    ? { actions: ['request_pcp_access', 'request_non_pcp_access'], portalAccount }
    : { actions: ['request_pcp_access'], portalAccount, notice: NO_PORTAL_NOTICE };

async function transaction(pool, fn) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const out = await fn(client);
    await client.query('COMMIT');
    return out;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}

const sha256Hex = (s) => createHash('sha256').update(s, 'utf8').digest('hex');
const TOKEN_RE = /^[A-Za-z0-9_-]+$/;

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
  sources.patientReads = 'copied from patient-records.service.ts (search, authorize, summary, documents); search and authorize as named prepared statements, as the service runs them (src/database/prepared-query.ts)';
  sources.tokens = 'copied from invitations.service.ts (validate) and access-grants.service.ts (grant)';

  const decideOne = `WITH v AS (${viewerCte('$1')})
       SELECT ${PATIENT_COLUMNS}, ${basisSql('v', 'p')} AS basis
         FROM patients p LEFT JOIN v ON true
        WHERE p.id = $2`;
  const searchByMrn = `WITH v AS (${viewerCte('$1')})
       SELECT ${PATIENT_COLUMNS}, ${basisSql('v', 'p')} AS basis
         FROM patients p LEFT JOIN v ON true
        WHERE p.mrn = $2
        ORDER BY p.last_name, p.first_name, p.mrn
        LIMIT 50`;
  const documentsPage = (limit) => `SELECT d.id, d.category, d.occurred_at AS "occurredAt", d.title, d.body,
              to_char(d.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "cursorAt"
           FROM clinical_documents d
          WHERE d.patient_id = $1
          ORDER BY d.occurred_at DESC, d.id DESC
          LIMIT ${limit + 1}`;

  /** Mirrors PatientRecordsService.authorize: one decision+read query, one audit insert, then 403/404. */
  async function authorize({ pool, user, patientId, audit, HttpError }, action) {
    const { rows } = await pool.query({ name: 'patient-authorize', text: decideOne, values: [user.id, patientId] });
    const row = rows[0];
    if (!row) throw new HttpError(404, 'not_found');
    await audit(user, action, patientId, row.basis, row.basis ? 'success' : 'denied');
    if (!row.basis) throw new HttpError(403, 'not_authorized', notAuthorizedInfo(row.hasPortalAccount));
    return row;
  }

  const routes = {
    /** PatientRecordsService.search (by MRN): one query, then one transaction of audit inserts. */
    async search({ pool, user, query, HttpError }) {
      const mrn = query.get('mrn')?.trim();
      if (!mrn || mrn.length > 32) throw new HttpError(400, 'validation_failed');
      const { rows } = await pool.query({ name: 'patient-search-mrn', text: searchByMrn, values: [user.id, mrn] });
      await transaction(pool, async (client) => {
        const details = (n) => JSON.stringify({ by: 'mrn', results: n });
        if (!rows.length) {
          await client.query(AUDIT_INSERT_SQL, [new Date(), user.id, user.kind, 'patient.search', null, null, 'success', details(0)]);
        }
        for (const row of rows) {
          await client.query(AUDIT_INSERT_SQL, [
            new Date(), user.id, user.kind, 'patient.search', row.id, row.basis, row.basis ? 'success' : 'denied', details(rows.length),
          ]);
        }
      });
      return {
        body: {
          items: rows.map((row) =>
            row.basis
              ? { patientId: row.id, access: 'granted', mrn: row.mrn, firstName: row.firstName, lastName: row.lastName, dob: row.dob, basis: row.basis }
              : { patientId: row.id, access: 'not_authorized', ...notAuthorizedInfo(row.hasPortalAccount) },
          ),
        },
      };
    },

    /** PatientRecordsService.summary: authorize, then the PCP + care-team query. */
    async summary(c) {
      const row = await authorize(c, 'patient.view');
      const { rows: people } = await c.pool.query(SUMMARY_PEOPLE_SQL, [row.id]);
      const name = (p) => (p.lastName ? `${p.firstName} ${p.lastName}` : null);
      const pcp = people.find((p) => p.role === 'pcp');
      return {
        body: {
          patientId: row.id,
          mrn: row.mrn,
          firstName: row.firstName,
          lastName: row.lastName,
          dob: row.dob,
          pcp: pcp ? { npi: pcp.npi, name: name(pcp) } : null,
          careTeam: people.filter((p) => p.role === 'care_team').map((p) => ({ npi: p.npi, name: name(p) })),
          portalAccount: row.hasPortalAccount,
          basis: row.basis,
        },
      };
    },

    /** PatientRecordsService.documents (first page, no category): authorize, then one keyset page. */
    async documents(c) {
      const limit = 50;
      const row = await authorize(c, 'patient.documents');
      const { rows: docs } = await c.pool.query(documentsPage(limit), [row.id]);
      const page = docs.slice(0, limit);
      const last = page[page.length - 1];
      return {
        body: {
          items: page.map((d) => ({ id: d.id, category: d.category, occurredAt: new Date(d.occurredAt).toISOString(), title: d.title, body: d.body })),
          nextCursor: docs.length > limit && last ? Buffer.from(`${last.cursorAt}|${last.id}`).toString('base64url') : null,
        },
      };
    },

    /**
     * InvitationsService.validate (success path): the two rate-limit checks (Redis GETs of the
     * same keys), then one transaction: spend the invitation, grant, audit the grant, audit the validation.
     */
    async validateToken({ pool, user, body, HttpError, redis, ip }) {
      const { token, mrn } = body ?? {};
      if (typeof token !== 'string' || typeof mrn !== 'string') throw new HttpError(400, 'validation_failed');
      await redis.checkLimit('token-validate-user', user.id);
      await redis.checkLimit('token-validate-ip', ip);
      const now = new Date();
      const hash = token.length >= 16 && token.length <= 128 && TOKEN_RE.test(token) ? sha256Hex(token) : null;
      if (!hash) throw new HttpError(400, 'invalid_token');
      const result = await transaction(pool, async (client) => {
        const { rows } = await client.query(SPEND_INVITATION_SQL, [hash, mrn, now, user.id]);
        if (!rows.length) return null;
        const { id, patient_id: patientId } = rows[0];
        const inserted = await client.query(GRANT_SQL, [user.id, patientId, 'token', id, new Date()]);
        let grantId;
        if (inserted.rows.length) {
          grantId = inserted.rows[0].id;
          await client.query(AUDIT_INSERT_SQL, [
            new Date(), user.id, 'system', 'access.grant', patientId, 'token', 'success',
            JSON.stringify({ grantId, sourceId: id, userId: user.id }),
          ]);
        } else {
          grantId = (await client.query(EXISTING_GRANT_SQL, [user.id, patientId, 'token'])).rows[0].id;
        }
        await client.query(AUDIT_INSERT_SQL, [
          new Date(), user.id, user.kind, 'token.validate', patientId, 'token', 'success', JSON.stringify({ invitationId: id, grantId }),
        ]);
        return { patientId };
      });
      if (!result) throw new HttpError(400, 'invalid_token');
      return { body: result };
    },
  };

  return {
    sources,
    sessionUser: SESSION_USER_SQL,
    audit: AUDIT_INSERT_SQL,
    routes,
    /** AccessDecisionService.decideMany (used by the fixtures to classify patients). */
    decideMany: `WITH v AS (${viewerCte('$1')})
       SELECT p.id, ${basisSql('v', 'p')} AS basis
         FROM patients p LEFT JOIN v ON true
        WHERE p.id = ANY($2::uuid[])`,
  };
}
