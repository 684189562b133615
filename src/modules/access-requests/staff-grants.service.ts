import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../common/auth/principal.js';
import { notFound } from '../../common/errors/problem.js';
import { AuditService } from '../audit/audit.service.js';
import { AccessGrantsService } from '../patient-access/access-grants.service.js';
import { PatientsService } from '../patient-access/patients.service.js';
import { cursorAtSql, decodeCursor, type Page, pageLimit, toPage } from '../../common/pagination/cursor.js';
import type { PageQueryDto } from '../../common/pagination/page-query.dto.js';

export interface GrantView {
  id: string;
  userId: string;
  userName: string;
  userEmail: string;
  basis: 'approved_request' | 'token';
  sourceId: string | null;
  createdAt: Date;
  revokedAt: Date | null;
  revokedBy: string | null;
}

/** Staff's view of personal grants: list a patient's, revoke one. */
@Injectable()
export class StaffGrantsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly grants: AccessGrantsService,
    private readonly patients: PatientsService,
    private readonly audit: AuditService,
  ) {}

  async list(patientId: string, q: PageQueryDto & { active?: string }): Promise<Page<GrantView>> {
    const patient = await this.patients.findById(patientId);
    if (!patient) throw notFound('No such patient.');
    const limit = pageLimit(q.limit);
    const cursor = decodeCursor(q.cursor, ['instant', 'uuid']);
    const rows: Array<GrantView & { cursorAt: string }> = await this.dataSource.query(
      `SELECT g.id, g.user_id AS "userId", u.first_name || ' ' || u.last_name AS "userName", u.email AS "userEmail",
              g.basis, g.source_id AS "sourceId", g.created_at AS "createdAt", g.revoked_at AS "revokedAt",
              g.revoked_by AS "revokedBy",
              ${cursorAtSql('g.created_at')} AS "cursorAt"
         FROM access_grants g JOIN users u ON u.id = g.user_id
        WHERE g.patient_id = $1
          AND ($2::boolean IS NOT TRUE OR g.revoked_at IS NULL)
          AND ($3::timestamptz IS NULL OR (g.created_at, g.id) < ($3::timestamptz, $4::uuid))
        ORDER BY g.created_at DESC, g.id DESC
        LIMIT $5`,
      [patient.id, q.active === 'true', cursor?.[0] ?? null, cursor?.[1] ?? null, limit + 1],
    );
    const page = toPage(rows, limit, (r) => [r.cursorAt, r.id]);
    return { items: page.items.map(({ cursorAt: _c, ...r }) => r), nextCursor: page.nextCursor };
  }

  /** DELETE /staff/access-grants/:id — 404 when there is no active grant with this id. */
  async revoke(staff: AuthUser, grantId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const [grant]: Array<{ patient_id: string; basis: string; user_id: string }> = await manager.query(
        `SELECT patient_id, basis, user_id FROM access_grants WHERE id = $1`,
        [grantId],
      );
      if (!grant || !(await this.grants.revoke(manager, grantId, staff.id))) throw notFound('No active grant with this id.');
      await this.audit.record(
        {
          actorId: staff.id,
          actorKind: staff.kind,
          action: 'staff.revoke_grant',
          patientId: grant.patient_id,
          basis: grant.basis,
          outcome: 'success',
          details: { grantId, userId: grant.user_id },
        },
        manager,
      );
    });
  }
}
