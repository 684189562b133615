import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../../common/time/clock.js';
import { UsersRepository, type UserViewRow } from './users.repository.js';

/** The account as `GET /me` (and the sign-in responses) show it. */
export interface UserView {
  id: string;
  kind: string;
  email: string;
  firstName: string;
  lastName: string;
  npi: string | null;
  practice: { id: string; name: string } | null;
  isSponsor: boolean;
  status: string;
  lockReason: string | null;
  hospitalCredentialed: boolean;
  /** Staff only. */
  roles?: string[];
}

function toUserView(r: UserViewRow): UserView {
  return {
    id: r.id,
    kind: r.kind,
    email: r.email,
    firstName: r.first_name,
    lastName: r.last_name,
    npi: r.npi ?? null,
    practice: r.practice_id ? { id: r.practice_id, name: r.practice_name as string } : null,
    isSponsor: r.is_sponsor,
    status: r.status,
    lockReason: r.lock_reason ?? null,
    hospitalCredentialed: r.hospital_id !== null,
    ...(r.kind === 'staff' ? { roles: r.roles } : {}),
  };
}

/** Loads the view (status effective as of the clock, per account-status.policy.ts). */
@Injectable()
export class UserViewService {
  constructor(
    private readonly users: UsersRepository,
    private readonly clock: Clock,
  ) {}

  async load(userId: string, manager?: EntityManager): Promise<UserView | null> {
    const row = await this.users.findUserView(userId, this.clock.now(), manager);
    return row ? toUserView(row) : null;
  }
}
