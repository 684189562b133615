import { Injectable } from '@nestjs/common';
import { badRequest } from '../../common/errors/problem.js';
import { AUTH_LIMITS, AuthThrottle } from './auth-throttle.service.js';
import type { PracticeSearchPageDto } from './dto/practices.dto.js';
import { PracticesRepository } from './practices.repository.js';

export const PRACTICE_SEARCH_MIN_LENGTH = 2;

/** The public practice directory the registration form searches. */
@Injectable()
export class PracticesService {
  constructor(
    private readonly practices: PracticesRepository,
    private readonly throttle: AuthThrottle,
  ) {}

  /** Practices whose name contains `q`; public, so throttled by client address. */
  async search(q: string | undefined, limit: number | undefined, ip: string): Promise<PracticeSearchPageDto> {
    await this.throttle.ip(ip, AUTH_LIMITS.practiceSearchIp);
    const term = (q ?? '').trim().toLowerCase();
    if (term.length < PRACTICE_SEARCH_MIN_LENGTH) {
      throw badRequest('validation_failed', undefined, {
        errors: [{ field: 'q', message: 'q must be at least 2 characters' }],
      });
    }
    const items = await this.practices.searchByName(term, limit ?? 20);
    return { items: items.map((r) => ({ id: r.id, name: r.name, city: r.city })), nextCursor: null };
  }
}
