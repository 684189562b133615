import { createPractice, createUser, makeNpi, tokenFor } from './factories/index.js';
import { doc, EHR_KEY, feedPatient } from './factories/patient-access.js';
import { createTestApp, type TestContext } from './support/test-app.js';

const EHR = { 'x-api-key': EHR_KEY };

/** API.md v1.1 "Documents": confidentiality N/R/V with `withheld`, and `body` as text or a JSON object. */
describe('restricted documents and structured bodies', () => {
  let t: TestContext;
  let seq = 0;
  const bearer = async (user: { id: string; kind: string }) => ({
    authorization: `Bearer ${await tokenFor(t.app, user)}`,
  });

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  /** A patient whose PCP is the returned provider (basis pcp_practice), fed through the EHR route. */
  async function patientWithViewer() {
    const practice = await createPractice(t.dataSource);
    const npi = makeNpi();
    const viewer = await createUser(t.app, 'provider', { practiceId: practice.id, npi });
    const mrn = `RD-${Date.now().toString(36)}-${++seq}`;
    const patientId = await feedPatient(t, mrn, { pcpNpi: npi });
    return { viewer, mrn, patientId, h: await bearer(viewer) };
  }

  const feed = (mrn: string, documents: unknown[]) =>
    t.http().post(`/api/v1/integration/ehr/patients/${mrn}/documents`).set(EHR).send({ documents });

  it('never returns R or V documents (list, category filter, every page of the cursor) but counts them in withheld on every page', async () => {
    const { mrn, patientId, h } = await patientWithViewer();
    const docs = [];
    for (let i = 0; i < 12; i++) {
      const confidentiality = i % 3 === 0 ? 'R' : i % 4 === 1 ? 'V' : i % 2 ? 'N' : undefined;
      docs.push(
        doc({
          category: i % 2 ? 'note' : 'result',
          occurredAt: `2026-10-${String(10 + i).padStart(2, '0')}T10:00:00-04:00`,
          title: confidentiality && confidentiality !== 'N' ? `SECRET-${confidentiality}-${i}` : `Shown ${i}`,
          ...(confidentiality ? { confidentiality } : {}),
        }),
      );
    }
    const restricted = docs.filter((d) => d.confidentiality === 'R' || d.confidentiality === 'V');
    expect(restricted.length).toBe(6);
    expect((await feed(mrn, docs).expect(200)).body).toEqual({ upserted: 12 });

    const all = await t.http().get(`/api/v1/patients/${patientId}/documents`).set(h).expect(200);
    expect(all.body.withheld).toBe(6);
    expect(all.body.items).toHaveLength(6);
    expect(all.body.items.every((d: { confidentiality: string }) => d.confidentiality === 'N')).toBe(true);
    expect(JSON.stringify(all.body)).not.toContain('SECRET');

    // Every page of a small cursor walk, and a filter, say the record's total withheld.
    let cursor: string | null = null;
    const seen: string[] = [];
    do {
      const res: {
        body: { items: Array<{ id: string; title: string }>; nextCursor: string | null; withheld: number };
      } = await t
        .http()
        .get(`/api/v1/patients/${patientId}/documents`)
        .query({ limit: 2, ...(cursor ? { cursor } : {}) })
        .set(h)
        .expect(200);
      expect(res.body.withheld).toBe(6);
      seen.push(...res.body.items.map((d) => d.title));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.body.items.map((d: { title: string }) => d.title));
    expect(seen.some((s) => s.startsWith('SECRET'))).toBe(false);
    for (const category of ['note', 'result']) {
      const filtered = await t
        .http()
        .get(`/api/v1/patients/${patientId}/documents`)
        .query({ category })
        .set(h)
        .expect(200);
      expect(filtered.body.withheld).toBe(6);
      expect(JSON.stringify(filtered.body)).not.toContain('SECRET');
    }
  });

  it('hides restricted documents from hospital-credentialed providers too; a document re-fed as R disappears, as N reappears', async () => {
    const practice = await createPractice(t.dataSource);
    const npi = makeNpi();
    const hospital = await createUser(t.app, 'provider', {
      practiceId: practice.id,
      npi,
      hospitalId: `CH${Date.now()}`,
    });
    const mrn = `RD-H-${Date.now().toString(36)}`;
    const patientId = await feedPatient(t, mrn, { pcpNpi: npi });
    const h = await bearer(hospital);
    const d = doc({ title: 'Adolescent visit' });
    await feed(mrn, [{ ...d, confidentiality: 'V' }]).expect(200);
    expect(
      (await t.http().get(`/api/v1/patients/${patientId}/documents`).set(h).expect(200)).body,
    ).toMatchObject({ items: [], withheld: 1 });
    await feed(mrn, [{ ...d, confidentiality: 'N' }]).expect(200);
    const shown = await t.http().get(`/api/v1/patients/${patientId}/documents`).set(h).expect(200);
    expect(shown.body).toMatchObject({
      items: [expect.objectContaining({ title: 'Adolescent visit', confidentiality: 'N' })],
      withheld: 0,
    });
    await feed(mrn, [{ ...d, confidentiality: 'R' }]).expect(200);
    expect(
      (await t.http().get(`/api/v1/patients/${patientId}/documents`).set(h).expect(200)).body,
    ).toMatchObject({ items: [], withheld: 1 });
  });

  it('body may be a string or a JSON object, returned deep-equal', async () => {
    const { mrn, patientId, h } = await patientWithViewer();
    const structured = {
      panel: 'CBC',
      results: [
        { code: 'WBC', value: 6.1, unit: '10^9/L', flags: [] },
        { code: 'HGB', value: 13.4, unit: 'g/dL', flags: ['normal'], note: null },
      ],
      nested: { deep: { ok: true, count: 0, text: 'ünïcødé "quoted" \\ backslash' } },
    };
    const text = 'Plain text with "quotes", a newline\nand unicode: ✓';
    await feed(mrn, [
      doc({ title: 'Structured', body: structured }),
      doc({ title: 'Text', body: text }),
      doc({ title: 'Empty', body: {} }),
    ]).expect(200);
    const res = await t.http().get(`/api/v1/patients/${patientId}/documents`).set(h).expect(200);
    const byTitle = new Map(res.body.items.map((d: { title: string; body: unknown }) => [d.title, d.body]));
    expect(byTitle.get('Structured')).toEqual(structured);
    expect(byTitle.get('Text')).toBe(text);
    expect(byTitle.get('Empty')).toEqual({});
  });

  it('rejects bodies that are arrays, numbers, booleans or null, an unknown confidentiality, and bodies over 200,000 characters serialised (400)', async () => {
    const { mrn } = await patientWithViewer();
    for (const body of [[1, 2], 42, true, null]) {
      const res = await feed(mrn, [doc({ body })]).expect(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'documents.0.body' })]);
    }
    const bad = await feed(mrn, [doc({ confidentiality: 'X' })]).expect(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'documents.0.confidentiality' })]);
    // 200,000 characters serialised is the limit: {"t":"…"} is 8 characters of JSON around the text.
    await feed(mrn, [doc({ body: { t: 'x'.repeat(200_000 - 8) } })]).expect(200);
    await feed(mrn, [doc({ body: { t: 'x'.repeat(200_000 - 7) } })]).expect(400);
    await feed(mrn, [doc({ body: 'y'.repeat(200_000) })]).expect(200);
    await feed(mrn, [doc({ body: 'y'.repeat(200_001) })]).expect(400);
  });
});
