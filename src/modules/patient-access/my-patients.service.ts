import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../../common/auth/principal.js';
import { decodeCursor, type Page, pageLimit, toPage } from '../../common/pagination/cursor.js';
import { Clock } from '../../common/time/clock.js';
import { AuditService } from '../audit/index.js';
import type { AccessBasis } from './access-decision.repository.js';
import type { MyPatientsQuery } from './dto/my-patients.dto.js';
import { MyPatientsRepository } from './my-patients.repository.js';
import { foldName } from './name-folding.js';

export interface MyPatient {
  patientId: string;
  mrn: string;
  firstName: string;
  lastName: string;
  dob: string;
  basis: AccessBasis;
  grantExpiresAt?: string;
  newDocuments: number;
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** `GET /me/patients`: every patient the caller may view now, with what is new since they last opened it. */
@Injectable()
export class MyPatientsService {
  constructor(
    private readonly repository: MyPatientsRepository,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  async list(user: AuthUser, q: MyPatientsQuery): Promise<Page<MyPatient>> {
    const limit = pageLimit(q.limit);
    const after = decodeCursor(q.cursor, ['uuid']);
    const text = q.q?.trim() || null;
    const folded = text ? foldName(text) : '';
    const found = await this.repository.list(user.id, this.clock.now(), {
      mrn: text,
      namePrefix: folded ? `${likeEscape(folded)}%` : null,
      afterId: after?.[0] ?? null,
      limit: limit + 1,
    });
    const page = toPage(found, limit, (r) => [r.id]);
    // One entry per listed record (a disclosure: the caller saw its demographics), or one for an empty page.
    await this.audit.recordMany(
      page.items.length
        ? page.items.map((r) => ({
            actorId: user.id,
            actorKind: user.kind,
            action: 'patient.list',
            patientId: r.id,
            basis: r.basis,
            outcome: 'success' as const,
            details: { results: page.items.length, filtered: text !== null },
          }))
        : [
            {
              actorId: user.id,
              actorKind: user.kind,
              action: 'patient.list',
              outcome: 'success',
              details: { results: 0, filtered: text !== null },
            },
          ],
    );
    return {
      items: page.items.map((r) => ({
        patientId: r.id,
        mrn: r.mrn,
        firstName: r.firstName,
        lastName: r.lastName,
        dob: r.dob,
        basis: r.basis,
        ...(r.grantExpiresAt ? { grantExpiresAt: new Date(r.grantExpiresAt).toISOString() } : {}),
        newDocuments: r.newDocuments,
      })),
      nextCursor: page.nextCursor,
    };
  }
}
