import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { on, one, returning, rows } from '../../database/sql.js';

export interface PracticeSummary {
  id: string;
  name: string;
  city: string | null;
}

export interface PracticeDetail {
  id: string;
  name: string;
  address: string;
  city: string | null;
  phone: string;
  fax: string;
}

export interface PracticePatch {
  name?: string;
  address?: string;
  city?: string | null;
  phone?: string;
  fax?: string;
}

/** A provider or sponsored account of the practice (its `practice_id`), as the staff practice page lists it. */
export interface PracticeMember {
  id: string;
  kind: string;
  firstName: string;
  lastName: string;
  email: string;
  npi: string | null;
  status: string;
  isSponsor: boolean;
  sponsorId: string | null;
}

export interface NewPractice {
  name: string;
  address: string;
  city: string | null;
  phone: string;
  fax: string;
  createdAt: Date;
}

/** SQL of `practices`. */
@Injectable()
export class PracticesRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Practices whose lower-cased name contains `term` (already lower-cased), those starting with it
   * first, then by name.
   */
  async searchByName(term: string, limit: number, manager?: EntityManager): Promise<PracticeSummary[]> {
    const escaped = term.replace(/[\\%_]/g, (c) => `\\${c}`);
    return rows<PracticeSummary>(
      on(this.dataSource, manager),
      `SELECT id, name, city FROM practices WHERE search_name LIKE $1 ORDER BY (search_name LIKE $2) DESC, name, id LIMIT $3`,
      [`%${escaped}%`, `${escaped}%`, limit],
    );
  }

  async exists(id: string, manager?: EntityManager): Promise<boolean> {
    return (
      (await one(on(this.dataSource, manager), 'SELECT 1 FROM practices WHERE id = $1', [id])) !== undefined
    );
  }

  async insert(practice: NewPractice, manager?: EntityManager): Promise<string> {
    const [row] = await rows<{ id: string }>(
      on(this.dataSource, manager),
      `INSERT INTO practices (name, search_name, address, city, phone, fax, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [
        practice.name,
        practice.name.toLowerCase(),
        practice.address,
        practice.city,
        practice.phone,
        practice.fax,
        practice.createdAt,
      ],
    );
    return row.id;
  }

  async findDetail(id: string, manager?: EntityManager): Promise<PracticeDetail | undefined> {
    return one<PracticeDetail>(
      on(this.dataSource, manager),
      'SELECT id, name, address, city, phone, fax FROM practices WHERE id = $1',
      [id],
    );
  }

  /** Changes the given fields (the search name follows the name); undefined when no practice has the id. */
  async update(
    id: string,
    patch: PracticePatch,
    manager?: EntityManager,
  ): Promise<PracticeDetail | undefined> {
    const [row] = await returning<PracticeDetail>(
      on(this.dataSource, manager),
      `UPDATE practices SET name = COALESCE($2, name), search_name = COALESCE(lower($2), search_name),
              address = COALESCE($3, address), city = CASE WHEN $7 THEN $4 ELSE city END,
              phone = COALESCE($5, phone), fax = COALESCE($6, fax)
        WHERE id = $1 RETURNING id, name, address, city, phone, fax`,
      [
        id,
        patch.name ?? null,
        patch.address ?? null,
        patch.city ?? null,
        patch.phone ?? null,
        patch.fax ?? null,
        patch.city !== undefined,
      ],
    );
    return row;
  }

  /** Provider and sponsored accounts whose practice is this one, by name (at most `limit`). */
  async members(practiceId: string, limit: number, manager?: EntityManager): Promise<PracticeMember[]> {
    const found = await rows<{
      id: string;
      kind: string;
      first_name: string;
      last_name: string;
      email: string;
      npi: string | null;
      status: string;
      is_sponsor: boolean;
      sponsor_id: string | null;
    }>(
      on(this.dataSource, manager),
      `SELECT id, kind, first_name, last_name, email, npi, status, is_sponsor, sponsor_id FROM users
        WHERE practice_id = $1 AND kind IN ('provider', 'sponsored')
        ORDER BY kind, last_name, first_name, id LIMIT $2`,
      [practiceId, limit],
    );
    return found.map((r) => ({
      id: r.id,
      kind: r.kind,
      firstName: r.first_name,
      lastName: r.last_name,
      email: r.email,
      npi: r.npi,
      status: r.status,
      isSponsor: r.is_sponsor,
      sponsorId: r.sponsor_id,
    }));
  }
}
