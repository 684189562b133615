// The SQL statements of the measured routes, for the bare baseline server and the pgbench ceiling.
// Nothing here is copied: every statement is the app's own, taken from the production build
// (dist/) — exported constants where the app exports them (PRINCIPAL_SQL), otherwise captured by
// calling the app's repository methods once on a recording data source (so the text, and the
// prepared-statement name where the app prepares it, are exactly what the app sends). What is
// written here by hand is the orchestration of the services (which statements, in which order and
// transaction, with which values), mirrored from the services named in each route's comment; a
// drift in answers shows as mismatches, since every response of both servers is checked.
import { createHash } from 'node:crypto';
import { importDist } from './lib.mjs';

/** A data source that records what a repository sends instead of sending it. */
function recorder() {
  const log = [];
  // The app's toolkit calls pool.query(text, values); preparedQuery calls pool.query({ name, text, values }).
  const master = {
    query: async (cfg, values) => {
      const q = typeof cfg === 'string' ? { text: cfg, values } : cfg;
      log.push({ name: q.name, text: q.text, values: q.values });
      return { rows: [], rowCount: 0 };
    },
  };
  const ds = { driver: { master } };
  ds.manager = { connection: ds, query: async (text, values) => (log.push({ text, values }), []) };
  return { log, ds };
}

async function capture(Repo, call) {
  const r = recorder();
  await call(new Repo(r.ds));
  if (r.log.length !== 1) throw new Error(`${Repo.name}: expected one statement, recorded ${r.log.length}`);
  const { name, text } = r.log[0];
  return name ? { name, text } : { text };
}

const D = (m) => importDist(`src/modules/${m}`);

/** Every statement of the measured routes, from dist/ (JSON-serialisable: passed to the baseline). */
export async function captureAppSql() {
  const [
    sessions,
    patients,
    documents,
    opens,
    grants,
    invitations,
    auditEvents,
    auditSearch,
    alerts,
    accessRequests,
    pcpRequester,
    decision,
  ] = await Promise.all([
    D('identity/sessions.repository.js'),
    D('patient-access/patients.repository.js'),
    D('patient-access/clinical-documents.repository.js'),
    D('patient-access/my-patients.repository.js'),
    D('patient-access/access-grants.repository.js'),
    D('tokens/invitations.repository.js'),
    D('audit/audit-events.repository.js'),
    D('audit/audit-search.repository.js'),
    D('privacy/alerts.repository.js'),
    D('access-requests/access-requests.repository.js'),
    D('pcp-updates/pcp-requester.repository.js'),
    D('patient-access/access-decision.repository.js'),
  ]);
  const u = '00000000-0000-0000-0000-000000000001';
  const now = new Date();
  const event = {
    actorId: u,
    actorKind: 'provider',
    action: 'x',
    patientId: u,
    basis: null,
    outcome: 'success',
    details: {},
  };
  const s = {
    principal: { name: sessions.PRINCIPAL_STATEMENT, text: sessions.PRINCIPAL_SQL },
    searchMrn: await capture(patients.PatientsRepository, (r) =>
      r.searchForViewer(u, { by: 'mrn', mrn: 'M' }, now),
    ),
    authorize: await capture(patients.PatientsRepository, (r) => r.findForViewer(u, u, now)),
    people: await capture(patients.PatientsRepository, (r) => r.people(u)),
    patientByMrn: await capture(patients.PatientsRepository, (r) => r.findRefByMrn('M')),
    recordOpen: await capture(opens.MyPatientsRepository, (r) => r.recordOpen(u, u, now)),
    documentsFirstPage: await capture(documents.ClinicalDocumentsRepository, (r) =>
      r.list(u, { after: null, limit: 51 }),
    ),
    withheldCount: await capture(documents.ClinicalDocumentsRepository, (r) => r.withheldCount(u)),
    auditInsert: await capture(auditEvents.AuditEventsRepository, (r) => r.insert(event, now)),
    auditInsertMany: await capture(auditEvents.AuditEventsRepository, (r) => r.insertMany([event], now)),
    deniedSearchMatches: await capture(auditSearch.AuditSearchRepository, (r) =>
      r.deniedSearchMatches(u, now, 20),
    ),
    alertIsOpen: await capture(alerts.AlertsRepository, (r) => r.isOpen('k')),
    pendingNonPcp: await capture(accessRequests.AccessRequestsRepository, (r) =>
      r.openForRequester(u, [u], now),
    ),
    pendingPcp: await capture(pcpRequester.PcpRequesterRepository, (r) => r.activeFor(u, [u])),
    spendInvitation: await capture(invitations.InvitationsRepository, (r) => r.spend('h', u, u, 'e', now)),
    upsertGrant: await capture(grants.AccessGrantsRepository, (r) =>
      r
        .upsertActive({ userId: u, patientId: u, basis: 'token', sourceId: u }, now, now)
        .catch(() => undefined),
    ),
    /** AccessDecisionRepository.basesFor's text (the fixtures classify patients with it). */
    decideMany: await capture(decision.AccessDecisionRepository, (r) => r.basesFor(u, [u], now)),
  };
  const sources = {
    principal:
      'imported from dist/src/modules/identity/sessions.repository.js (PRINCIPAL_SQL, PRINCIPAL_STATEMENT)',
    other:
      'captured from the dist/ repositories (PatientsRepository, ClinicalDocumentsRepository, MyPatientsRepository, AccessGrantsRepository, ' +
      'InvitationsRepository, AuditEventsRepository, AuditSearchRepository, AlertsRepository, AccessRequestsRepository, PcpRequesterRepository, ' +
      'AccessDecisionRepository) called once on a recording data source: same text, same prepared-statement names',
    orchestration:
      'mirrored by hand from PatientRecordsService (search, authorize, summary, documents), SearchMonitor + UnusualSearchRule, ' +
      'InvitationsService.validate and AccessGrantsService.grant',
  };
  return { statements: s, sources };
}

const NO_PORTAL_NOTICE =
  'This patient has no patient-portal account, so a non-PCP access request cannot be sent. You can ask the MyPatients team to update the PCP.';
const ACTION_OF_KIND = { pcp: 'request_pcp_access', non_pcp: 'request_non_pcp_access' };
/** patient-records.service.ts notAuthorizedInfo (response shaping, not SQL). */
function notAuthorizedInfo(portalAccount, pending = []) {
  const info = portalAccount
    ? { actions: ['request_pcp_access', 'request_non_pcp_access'], portalAccount }
    : { actions: ['request_pcp_access'], portalAccount, notice: NO_PORTAL_NOTICE };
  const taken = new Set(pending.map((p) => ACTION_OF_KIND[p.kind]));
  info.actions = info.actions.filter((a) => !taken.has(a));
  return info;
}

/** inTransaction (src/database/sql.ts) on a bare pool: BEGIN, the work, COMMIT (ROLLBACK when it throws). */
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

/** One statement as the app sends it: named (prepared) when the app prepares it. */
const run = (db, st, values) =>
  (st.name ? db.query({ name: st.name, text: st.text, values }) : db.query(st.text, values)).then(
    (r) => r.rows,
  );

const UNUSUAL_SEARCH_MATCHES = 20;
const UNUSUAL_SEARCH_WINDOW_MS = 3600_000;
const ACCESS_GRANT_MONTHS = 12;

/** The routes, on `statements` from captureAppSql(). `limits` mirrors RateLimiterService (consume/check). */
export async function buildRoutes(statements) {
  const S = statements;
  const { toPage } = await importDist('src/common/pagination/cursor.js');
  const { grantPeriod } = await importDist('src/modules/patient-access/grant-expiry.js');
  const { looksLikeInvitationToken } = await importDist('src/modules/tokens/invitation-token.js');
  const sha256Hex = (t) => createHash('sha256').update(t, 'utf8').digest('hex');
  // Accounts the unusual-search rule has alerted on: the app finds the alert open once and then
  // remembers it (AlertsService.isOpen); the baseline (which raises nothing) skips the read too.
  const alerted = new Set();

  const audit = (db, user, action, patientId, basis, outcome, details) =>
    db.query(S.auditInsert.text, [
      new Date(),
      user.id,
      user.kind,
      action,
      patientId,
      basis,
      outcome,
      JSON.stringify(details),
    ]);

  /** PatientRecordsService.authorize: one prepared decision+read, one audit insert (autocommit), then 404/403. */
  async function authorize({ pool, user, patientId, HttpError }, action) {
    const [row] = await run(pool, S.authorize, [user.id, patientId, new Date()]);
    if (!row) throw new HttpError(404, 'not_found');
    await audit(pool, user, action, patientId, row.basis, row.basis ? 'success' : 'denied', {});
    if (!row.basis) throw new HttpError(403, 'not_authorized', notAuthorizedInfo(row.hasPortalAccount));
    return row;
  }

  return {
    /**
     * PatientRecordsService.search (by MRN): the per-account limiter (consume), one prepared
     * statement, the pending requests of denied matches (two sources), one audit statement, then
     * the unusual-search rule (alert open? then the denied-matches count).
     */
    async search({ pool, user, query, HttpError, limits }) {
      await limits.consume(
        'patient-search-user',
        Math.max(60, Number(process.env.SEARCH_RATE_PER_MINUTE ?? 60)),
        60,
        user.id,
      );
      const mrn = query.get('mrn')?.trim();
      if (!mrn || mrn.length > 32) throw new HttpError(400, 'validation_failed');
      const now = new Date();
      const rows = await run(pool, S.searchMrn, [user.id, mrn, now]);
      const denied = rows.filter((r) => !r.basis).map((r) => r.id);
      const pending = new Map();
      const pendingLookup = denied.length
        ? Promise.all([
            run(pool, S.pendingNonPcp, [user.id, denied, new Date()]),
            run(pool, S.pendingPcp, [user.id, denied]),
          ])
        : Promise.resolve([[], []]);
      const details = (n) => JSON.stringify({ by: 'mrn', results: n });
      const entries = rows.length
        ? rows.map((r) => [
            user.id,
            user.kind,
            'patient.search',
            r.id,
            r.basis,
            r.basis ? 'success' : 'denied',
            details(rows.length),
          ])
        : [[user.id, user.kind, 'patient.search', null, null, 'success', details(0)]];
      // The pending requests are read while the audit entries are written, as the app does.
      const [[nonPcp, pcp]] = await Promise.all([
        pendingLookup,
        pool.query(S.auditInsertMany.text, [
          new Date(),
          ...[0, 1, 2, 3, 4, 5, 6].map((k) => entries.map((e) => e[k])),
        ]),
      ]);
      for (const [kind, list] of [
        ['non_pcp', nonPcp],
        ['pcp', pcp],
      ]) {
        for (const r of list) {
          const pid = r.patientId ?? r.patient_id;
          pending.set(pid, [...(pending.get(pid) ?? []), { kind, id: r.id, status: r.status }]);
        }
      }
      // AlertsService.isOpen remembers an open alert (OPEN_ALERT_RECHECK_MS): once alerted, no read.
      if (denied.length && !alerted.has(user.id)) {
        const [open] = await run(pool, S.alertIsOpen, [`unusual_search:${user.id}`]);
        if (open) alerted.add(user.id);
        else {
          const since = new Date(Date.now() - UNUSUAL_SEARCH_WINDOW_MS);
          const [count] = await run(pool, S.deniedSearchMatches, [user.id, since, UNUSUAL_SEARCH_MATCHES]);
          if ((count?.n ?? 0) >= UNUSUAL_SEARCH_MATCHES) alerted.add(user.id);
        }
      }
      return {
        body: {
          items: rows.map((row) =>
            row.basis
              ? {
                  patientId: row.id,
                  access: 'granted',
                  mrn: row.mrn,
                  firstName: row.firstName,
                  lastName: row.lastName,
                  dob: row.dob,
                  basis: row.basis,
                }
              : {
                  patientId: row.id,
                  access: 'not_authorized',
                  ...notAuthorizedInfo(row.hasPortalAccount, pending.get(row.id)),
                  pendingRequests: pending.get(row.id) ?? [],
                },
          ),
        },
      };
    },

    /** PatientRecordsService.summary: authorize, then the people (prepared) and the opening, in parallel. */
    async summary(c) {
      const row = await authorize(c, 'patient.view');
      const [people] = await Promise.all([
        run(c.pool, S.people, [row.id]),
        c.pool.query(S.recordOpen.text, [c.user.id, row.id, new Date()]),
      ]);
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

    /** PatientRecordsService.documents (first page, no category): authorize, then the page and the withheld count in parallel. */
    async documents(c) {
      const limit = 50;
      const row = await authorize(c, 'patient.documents');
      const [docs, [withheld]] = await Promise.all([
        run(c.pool, S.documentsFirstPage, [row.id, limit + 1]),
        run(c.pool, S.withheldCount, [row.id]),
      ]);
      const page = toPage(docs, limit, (d) => [d.cursorAt, d.id]);
      return {
        body: {
          items: page.items.map((d) => ({
            id: d.id,
            category: d.category,
            occurredAt: new Date(d.occurredAt).toISOString(),
            title: d.title,
            body: d.body,
            confidentiality: d.confidentiality,
          })),
          nextCursor: page.nextCursor,
          withheld: withheld?.n ?? 0,
        },
      };
    },

    /**
     * InvitationsService.validate (success path): the patient by MRN in parallel with the
     * per-user failure limiter (check: a read), then one transaction: spend the invitation (bound
     * to the caller's email), upsert the grant, audit the grant, audit the validation.
     */
    async validateToken({ pool, user, body, HttpError, limits }) {
      const { token, mrn } = body ?? {};
      if (typeof token !== 'string' || typeof mrn !== 'string') throw new HttpError(400, 'validation_failed');
      const now = new Date();
      const hash = looksLikeInvitationToken(token) ? sha256Hex(token) : null;
      const [patient] = await Promise.all([
        hash && mrn && mrn.length <= 32 ? run(pool, S.patientByMrn, [mrn]).then((r) => r[0] ?? null) : null,
        limits.check('token-validate-user', 5, 900, user.id),
      ]);
      if (!hash || !patient) throw new HttpError(400, 'invalid_token');
      const result = await transaction(pool, async (client) => {
        // The app's toolkit runs straight on pg too (src/database/sql.ts): the RETURNING rows.
        const [row] = (
          await client.query(S.spendInvitation.text, [hash, patient.id, now, user.id, user.email])
        ).rows;
        if (!row) return null;
        const grantNow = new Date();
        const { expiresAt } = grantPeriod(grantNow, ACCESS_GRANT_MONTHS);
        const [g] = (
          await client.query(S.upsertGrant.text, [
            user.id,
            row.patient_id,
            'token',
            row.id,
            grantNow,
            expiresAt,
          ])
        ).rows;
        const renewed = !g.inserted && g.previous?.getTime() !== new Date(g.expires_at).getTime();
        if (g.inserted || renewed) {
          await audit(
            client,
            { id: user.id, kind: 'system' },
            g.inserted ? 'access.grant' : 'access.renew',
            row.patient_id,
            'token',
            'success',
            {
              grantId: g.id,
              sourceId: row.id,
              userId: user.id,
              expiresAt: new Date(g.expires_at).toISOString(),
            },
          );
        }
        await audit(client, user, 'token.validate', row.patient_id, 'token', 'success', {
          invitationId: row.id,
          grantId: g.id,
        });
        return { patientId: row.patient_id };
      });
      if (!result) throw new HttpError(400, 'invalid_token');
      return { body: result };
    },
  };
}

/** Everything the bench needs: statements (to pass to the baseline), sources, routes, decideMany. */
export async function loadHotPathSql(captured) {
  const { statements, sources } = captured ?? (await captureAppSql());
  return {
    statements,
    sources,
    principal: statements.principal,
    decideMany: statements.decideMany.text,
    routes: await buildRoutes(statements),
  };
}
