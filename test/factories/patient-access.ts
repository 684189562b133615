import type { TestContext } from '../support/test-app.js';

export const EHR_KEY = 'test-ehr-key-0123456789';

export interface EhrPatientBody {
  firstName: string;
  lastName: string;
  dob: string;
  pcpNpi?: string | null;
  hasPortalAccount: boolean;
  careTeamNpis: string[];
}

/** Feeds a patient through the EHR route (the real path) and returns its id. */
export async function feedPatient(
  t: TestContext,
  mrn: string,
  body: Partial<EhrPatientBody> = {},
): Promise<string> {
  const res = await t
    .http()
    .put(`/api/v1/integration/ehr/patients/${mrn}`)
    .set('x-api-key', EHR_KEY)
    .send({
      firstName: 'Avery',
      lastName: 'Lopez',
      dob: '2016-03-14',
      hasPortalAccount: false,
      careTeamNpis: [],
      ...body,
    });
  if (res.status !== 200 && res.status !== 201)
    throw new Error(`feedPatient ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.patientId;
}

let docSeq = 0;
export function doc(
  overrides: Partial<{
    externalId: string;
    category: string;
    occurredAt: string;
    title: string;
    body: string;
  }> = {},
) {
  docSeq++;
  return {
    externalId: `DOC-${process.pid}-${docSeq}`,
    category: 'note',
    occurredAt: '2026-10-01T10:00:00-04:00',
    title: `Note ${docSeq}`,
    body: 'Seen for follow-up.',
    ...overrides,
  };
}
