// The HTTP scenarios: what each request is and what a correct answer looks like. The same request
// stream is sent to the baseline and to the app; every response is checked (status and body).
import { classifyPatients } from './fixtures.mjs';
import { issueInvitationTokens } from './tokens-fixture.mjs';

function shuffle(a) {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

const bearer = (v) => ({ authorization: `Bearer ${v.token}` });
const parse = (body) => JSON.parse(body);

/** Cycles through `items`, building one request per call. */
function cycle(items, build) {
  let i = 0;
  return () => build(items[i++ % items.length]);
}

let classified = null;
async function classification(ctx) {
  classified ??= await classifyPatients(ctx.db, ctx.viewers, ctx.sql.decideMany, { perViewer: 6 });
  return classified;
}

export const SCENARIOS = [
  {
    name: 'search_mrn',
    description:
      'GET /api/v1/patients?mrn= — half the MRNs the viewer may see (demographics + basis), half not (not_authorized + actions)',
    async prepare(ctx) {
      const c = await classification(ctx);
      const items = [];
      for (const v of ctx.viewers) {
        const { allowed, denied } = c.get(v.id);
        const n = Math.min(allowed.length, denied.length, 3);
        for (let k = 0; k < n; k++) {
          items.push({ v, p: allowed[k], granted: true });
          items.push({ v, p: denied[k], granted: false });
        }
      }
      shuffle(items);
      const build = ({ v, p, granted }) => ({
        method: 'GET',
        path: `/api/v1/patients?mrn=${encodeURIComponent(p.mrn)}`,
        headers: bearer(v),
        check(status, body) {
          if (status !== 200) return `status ${status}`;
          const item = parse(body).items?.[0];
          if (!item || item.patientId !== p.id) return 'wrong or missing item';
          if (granted) {
            if (item.access !== 'granted' || item.mrn !== p.mrn || item.basis !== p.basis)
              return `expected granted/${p.basis}, got ${item.access}/${item.basis}`;
          } else {
            if (item.access !== 'not_authorized' || 'mrn' in item || 'lastName' in item)
              return `expected not_authorized without demographics`;
            if (!Array.isArray(item.actions) || !item.actions.includes('request_pcp_access'))
              return 'missing actions';
            if (!Array.isArray(item.pendingRequests)) return 'missing pendingRequests';
          }
          return null;
        },
      });
      return {
        feed: () => cycle(items, build),
        pairs: items.length,
        ceilingItems: async () =>
          items.map(({ v, p, granted }) => ({ viewer: v, patientId: p.id, mrn: p.mrn, denied: !granted })),
      };
    },
  },
  {
    name: 'patient_summary',
    description:
      'GET /api/v1/patients/:id — a patient the viewer may see (bases mixed as they come: PCP practice, care team, grants)',
    async prepare(ctx) {
      const c = await classification(ctx);
      const items = [];
      for (const v of ctx.viewers) for (const p of c.get(v.id).allowed) items.push({ v, p });
      shuffle(items);
      const build = ({ v, p }) => ({
        method: 'GET',
        path: `/api/v1/patients/${p.id}`,
        headers: bearer(v),
        check(status, body) {
          if (status !== 200) return `status ${status}`;
          const b = parse(body);
          if (b.patientId !== p.id || b.mrn !== p.mrn || b.basis !== p.basis)
            return `wrong summary (basis ${b.basis}, expected ${p.basis})`;
          if (!Array.isArray(b.careTeam)) return 'careTeam missing';
          return null;
        },
      });
      return {
        feed: () => cycle(items, build),
        pairs: items.length,
        ceilingItems: async () => items.map(({ v, p }) => ({ viewer: v, patientId: p.id, mrn: p.mrn })),
      };
    },
  },
  {
    name: 'documents_list',
    description:
      'GET /api/v1/patients/:id/documents — first page (default limit) of a patient the viewer may see',
    async prepare(ctx) {
      const c = await classification(ctx);
      const items = [];
      for (const v of ctx.viewers) for (const p of c.get(v.id).allowed) items.push({ v, p });
      // Expected document counts (first page is min(count, 50)).
      const { rows } = await ctx.db.query(
        `SELECT patient_id AS id, count(*) FILTER (WHERE confidentiality = 'N')::int AS n, count(*) FILTER (WHERE confidentiality <> 'N')::int AS withheld
           FROM clinical_documents WHERE patient_id = ANY($1::uuid[]) GROUP BY patient_id`,
        [[...new Set(items.map((i) => i.p.id))]],
      );
      // Only confidentiality N is shown; R/V are counted in `withheld`.
      const counts = new Map(rows.map((r) => [r.id, r.n]));
      const withheld = new Map(rows.map((r) => [r.id, r.withheld]));
      shuffle(items);
      const build = ({ v, p }) => ({
        method: 'GET',
        path: `/api/v1/patients/${p.id}/documents`,
        headers: bearer(v),
        check(status, body) {
          if (status !== 200) return `status ${status}`;
          const b = parse(body);
          const list = Array.isArray(b) ? b : b.items;
          if (!Array.isArray(list)) return 'no list';
          const expected = Math.min(counts.get(p.id) ?? 0, 50);
          if (list.length !== expected) return `expected ${expected} documents, got ${list.length}`;
          if (b.withheld !== (withheld.get(p.id) ?? 0))
            return `expected withheld ${withheld.get(p.id) ?? 0}, got ${b.withheld}`;
          if (list.some((d) => d.confidentiality !== 'N')) return 'a withheld document was listed';
          if ((counts.get(p.id) ?? 0) > 50 ? !b.nextCursor : b.nextCursor !== null)
            return `nextCursor ${b.nextCursor}`;
          return null;
        },
      });
      const docs = [...counts.values()];
      return {
        feed: () => cycle(items, build),
        pairs: items.length,
        ceilingItems: async () => items.map(({ v, p }) => ({ viewer: v, patientId: p.id, mrn: p.mrn })),
        meanDocuments: docs.reduce((a, b) => a + b, 0) / Math.max(1, items.length),
      };
    },
  },
  {
    name: 'token_validate',
    description:
      'POST /api/v1/tokens/validate — a fresh single-use invitation token and its MRN per request (provider viewers)',
    async prepare(ctx) {
      // Enough tokens for the fastest plausible rate over warmup + measurement, per server.
      const perServer = Math.ceil(4000 * (ctx.warmup + ctx.duration));
      const providers = ctx.viewers.filter((v) => v.kind === 'provider');
      const pools = {};
      for (const target of ['baseline', 'app'])
        pools[target] = await issueInvitationTokens(ctx, providers, perServer);
      return {
        feed: (target) => {
          const list = pools[target];
          let i = 0;
          return () => {
            const t = list[i++];
            if (!t)
              throw new Error(`token pool of ${target} exhausted after ${i - 1} requests: raise perServer`);
            return {
              method: 'POST',
              path: '/api/v1/tokens/validate',
              headers: bearer(t.viewer),
              body: JSON.stringify({ token: t.token, mrn: t.mrn }),
              check(status, body) {
                if (status !== 200) return `status ${status} ${body.slice(0, 80)}`;
                if (parse(body).patientId !== t.patientId) return 'wrong patientId';
                return null;
              },
            };
          };
        },
        tokensPerServer: perServer,
        // pgbench: fresh invitations (issued by ceiling.mjs) for random patients, each addressed to its viewer.
        async ceilingItems() {
          const { rows } = await ctx.db.query(`SELECT id, mrn FROM patients ORDER BY random() LIMIT $1`, [
            ctx.quick ? 20000 : 60000,
          ]);
          return rows.map((r, k) => ({
            viewer: providers[k % providers.length],
            patientId: r.id,
            mrn: r.mrn,
          }));
        },
      };
    },
  },
];
