import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { on, one, rows } from '../../database/sql.js';

export interface PracticeSummary {
  id: string;
  name: string;
  city: string | null;
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
    return (await one(on(this.dataSource, manager), 'SELECT 1 FROM practices WHERE id = $1', [id])) !== undefined;
  }

  async insert(practice: NewPractice, manager?: EntityManager): Promise<string> {
    const [row] = await rows<{ id: string }>(
      on(this.dataSource, manager),
      `INSERT INTO practices (name, search_name, address, city, phone, fax, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [practice.name, practice.name.toLowerCase(), practice.address, practice.city, practice.phone, practice.fax, practice.createdAt],
    );
    return row.id;
  }
}
