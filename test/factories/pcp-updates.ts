import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BusinessCalendar } from '../../src/common/time/business-calendar.js';
import { Clock } from '../../src/common/time/clock.js';
import { PCP_UPDATE_BUSINESS_DAYS } from '../../src/modules/pcp-updates/pcp-update-commands.service.js';
import { PcpUpdateQueueRepository } from '../../src/modules/pcp-updates/pcp-update-queue.repository.js';
import { PcpUpdateRequestsRepository } from '../../src/modules/pcp-updates/pcp-update-requests.repository.js';
import type { TestContext } from '../support/test-app.js';
import { createPatient, createUser, tokenFor, type UserRow } from './index.js';

/** An application or a module test's `moduleRef`: where the factories look services up. */
export type Container = Pick<INestApplication, 'get'>;

/** A fresh bearer header for the user at the test clock's current time (sessions follow the clock). */
export async function bearer(t: TestContext, user: { id: string; kind: string }): Promise<string> {
  return `Bearer ${await tokenFor(t.app, user)}`;
}

/** Files a PCP access request over HTTP and returns its body ({id, status, dueAt}). */
export async function requestPcpAccess(t: TestContext, requester: UserRow, patientId: string, note?: string) {
  const res = await t
    .http()
    .post(`/api/v1/patients/${patientId}/pcp-access-requests`)
    .set('authorization', await bearer(t, requester))
    .send(note === undefined ? {} : { note });
  if (res.status !== 201) throw new Error(`request failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; status: string; dueAt: string };
}

export interface PcpUpdateRequestOverrides {
  note?: string | null;
  /** Default: the container's clock. */
  createdAt?: Date;
  /** Default: three business days after `createdAt`, as the workflow sets it. */
  dueAt?: Date;
}

/**
 * Inserts an open request (and its `created` event) through the repository, without the request
 * workflow's access check, audit entry or team email. Returns its id.
 */
export async function createPcpUpdateRequest(
  app: Container,
  requester: { id: string },
  patientId: string,
  overrides: PcpUpdateRequestOverrides = {},
): Promise<{ id: string; dueAt: Date }> {
  const repository = app.get(PcpUpdateRequestsRepository);
  const createdAt = overrides.createdAt ?? app.get(Clock).now();
  const dueAt =
    overrides.dueAt ?? app.get(BusinessCalendar).addBusinessDays(createdAt, PCP_UPDATE_BUSINESS_DAYS);
  return app.get(DataSource).transaction(async (manager) => {
    const { id } = await repository.insert(
      { patientId, requesterId: requester.id, note: overrides.note ?? null, createdAt, dueAt },
      manager,
    );
    await repository.addEvent(
      {
        requestId: id,
        at: createdAt,
        actorId: requester.id,
        type: 'created',
        fromStatus: null,
        toStatus: 'open',
        details: {},
      },
      manager,
    );
    return { id, dueAt };
  });
}

/** A provider (own practice) and a patient they may not yet view. */
export async function providerAndPatient(t: TestContext) {
  const provider = await createUser(t.app, 'provider');
  const patient = await createPatient(t.dataSource);
  return { provider, patient };
}

/** The request's history event types, oldest first (read through the repository). */
export async function pcpEvents(ds: DataSource, requestId: string): Promise<string[]> {
  const history = await new PcpUpdateQueueRepository(ds).history(requestId);
  return history.map((e) => e.type);
}

export async function notificationsFor(ds: DataSource, template: string, recipient?: string) {
  return ds.query(
    `SELECT template, recipient, data, idempotency_key AS "idempotencyKey" FROM notifications
     WHERE template = $1 AND ($2::text IS NULL OR recipient = $2) ORDER BY created_at, id`,
    [template, recipient?.toLowerCase() ?? null],
  ) as Promise<
    Array<{ template: string; recipient: string; data: Record<string, unknown>; idempotencyKey: string }>
  >;
}
