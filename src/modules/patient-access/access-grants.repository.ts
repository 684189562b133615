import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { cursorAtSql } from '../../common/pagination/cursor.js';
import { on, returning, rows } from '../../database/sql.js';
import type { GrantBasis } from './entities/access-grant.entity.js';

export interface NewGrant {
  userId: string;
  patientId: string;
  basis: GrantBasis;
  /** The access request or invitation the grant came from. */
  sourceId: string | null;
}

/** What writing a grant did: a new row, or a new period for the active one (`previousExpiresAt`). */
export interface GrantWrite {
  id: string;
  inserted: boolean;
  expiresAt: Date;
  previousExpiresAt: Date | null;
}

/** A grant the expiry job ended or warns about, with its holder from the account directory. */
export interface GrantHolderRow {
  id: string;
  userId: string;
  patientId: string;
  basis: GrantBasis;
  expiresAt: Date;
  email: string;
  firstName: string;
  lastName: string;
  /** The holder's account status (effective lock expiry not applied: only `deactivated`/`rejected` matter here). */
  status: string;
}

export interface RevokedGrant {
  userId: string;
  patientId: string;
  basis: GrantBasis;
}

/** A grant with its holder's name and email (staff's list). */
export interface GrantListRow {
  id: string;
  userId: string;
  userName: string;
  userEmail: string;
  basis: GrantBasis;
  sourceId: string | null;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  revokedBy: string | null;
  cursorAt: string;
}

/** Personal grants (table `access_grants`). */
@Injectable()
export class AccessGrantsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Writes an active grant lasting until `expiresAt`. When one is already active for this user,
   * patient and basis (partial unique index `uq_access_grants_active`), it starts a new period
   * instead: its `expires_at` becomes `expiresAt` (even if it had just expired and the job has not
   * ended it yet). One statement.
   */
  async upsertActive(g: NewGrant, now: Date, expiresAt: Date, manager?: EntityManager): Promise<GrantWrite> {
    const [row] = await rows<{ id: string; inserted: boolean; expires_at: Date; previous: Date | null }>(
      on(this.dataSource, manager),
      `WITH old AS (SELECT expires_at FROM access_grants
                     WHERE user_id = $1 AND patient_id = $2 AND basis = $3 AND revoked_at IS NULL)
       INSERT INTO access_grants (user_id, patient_id, basis, source_id, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (user_id, patient_id, basis) WHERE revoked_at IS NULL
       DO UPDATE SET expires_at = EXCLUDED.expires_at
       RETURNING id, (xmax = 0) AS inserted, expires_at, (SELECT expires_at FROM old) AS previous`,
      [g.userId, g.patientId, g.basis, g.sourceId, now, expiresAt],
    );
    return {
      id: row.id,
      inserted: row.inserted,
      expiresAt: new Date(row.expires_at),
      previousExpiresAt: row.previous && new Date(row.previous),
    };
  }

  /**
   * Revokes the grant if it is active (not revoked, not expired; of `patientId` when given);
   * undefined otherwise. `revokedBy` is the staff member, or null (the patient portal).
   */
  async revoke(
    grantId: string,
    revokedBy: string | null,
    now: Date,
    manager?: EntityManager,
    patientId: string | null = null,
  ): Promise<RevokedGrant | undefined> {
    const [row] = await returning<{ user_id: string; patient_id: string; basis: GrantBasis }>(
      on(this.dataSource, manager),
      `UPDATE access_grants SET revoked_at = $2, revoked_by = $3
        WHERE id = $1 AND revoked_at IS NULL AND expires_at > $2 AND ($4::uuid IS NULL OR patient_id = $4)
        RETURNING user_id, patient_id, basis`,
      [grantId, now, revokedBy, patientId],
    );
    return row && { userId: row.user_id, patientId: row.patient_id, basis: row.basis };
  }

  /** A patient's grants, newest first, after the keyset `after` ([createdAt, id]). */
  listForPatient(
    patientId: string,
    f: { activeOnly: boolean; after: [string, string] | null; limit: number; now: Date },
    manager?: EntityManager,
  ): Promise<GrantListRow[]> {
    return rows(
      on(this.dataSource, manager),
      `SELECT g.id, g.user_id AS "userId", u.first_name || ' ' || u.last_name AS "userName", u.email AS "userEmail",
              g.basis, g.source_id AS "sourceId", g.created_at AS "createdAt", g.expires_at AS "expiresAt", g.revoked_at AS "revokedAt",
              g.revoked_by AS "revokedBy", ${cursorAtSql('g.created_at')} AS "cursorAt"
         FROM access_grants g JOIN account_directory u ON u.id = g.user_id
        WHERE g.patient_id = $1
          AND ($2::boolean IS NOT TRUE OR (g.revoked_at IS NULL AND g.expires_at > $6))
          AND ($3::timestamptz IS NULL OR (g.created_at, g.id) < ($3::timestamptz, $4::uuid))
        ORDER BY g.created_at DESC, g.id DESC
        LIMIT $5`,
      [patientId, f.activeOnly, f.after?.[0] ?? null, f.after?.[1] ?? null, f.limit, f.now],
    );
  }

  /**
   * Ends every open grant whose expiry is at or before `cutoff` (`revoked_at = expires_at`,
   * `revoked_by` NULL): one set-based statement; returns them with their holders.
   */
  endExpired(cutoff: Date, manager?: EntityManager): Promise<GrantHolderRow[]> {
    return rows(
      on(this.dataSource, manager),
      `WITH ended AS (
         UPDATE access_grants SET revoked_at = expires_at
          WHERE revoked_at IS NULL AND expires_at <= $1
          RETURNING id, user_id, patient_id, basis, expires_at)
       SELECT e.id, e.user_id AS "userId", e.patient_id AS "patientId", e.basis, e.expires_at AS "expiresAt",
              u.email, u.first_name AS "firstName", u.last_name AS "lastName", u.status
         FROM ended e JOIN account_directory u ON u.id = e.user_id`,
      [cutoff],
    );
  }

  /** Open grants expiring after `from` and at or before `to`, with their holders (for the advance notice). */
  expiringBetween(from: Date, to: Date, manager?: EntityManager): Promise<GrantHolderRow[]> {
    return rows(
      on(this.dataSource, manager),
      `SELECT g.id, g.user_id AS "userId", g.patient_id AS "patientId", g.basis, g.expires_at AS "expiresAt",
              u.email, u.first_name AS "firstName", u.last_name AS "lastName", u.status
         FROM access_grants g JOIN account_directory u ON u.id = g.user_id
        WHERE g.revoked_at IS NULL AND g.expires_at > $1 AND g.expires_at <= $2
        ORDER BY g.expires_at, g.id`,
      [from, to],
    );
  }
}
