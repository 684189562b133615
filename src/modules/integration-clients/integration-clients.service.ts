import { Injectable } from '@nestjs/common';
import { randomToken, sha256Hex } from '../../common/crypto/tokens.js';
import { Clock } from '../../common/time/clock.js';
import { INTEGRATION_SYSTEMS, type IntegrationSystem } from './entities/integration-client.entity.js';
import {
  IntegrationClientsRepository,
  type IntegrationClientView,
} from './integration-clients.repository.js';

/** `last_used_at` is written at most once a minute per key: the hot path reads, it rarely writes. */
const TOUCH_EVERY_MS = 60_000;

export interface AuthenticatedIntegrationClient {
  id: string;
  system: IntegrationSystem;
}

/**
 * Integration clients: API keys per system, several at once (rotation), revocable, stored as
 * SHA-256 (a key is 32 random bytes: a slow hash adds nothing). `authenticate` is what the global
 * guard asks on every `@ApiKeyAuth` route.
 */
@Injectable()
export class IntegrationClientsService {
  /** When this instance last wrote `last_used_at` per client (the SQL also refuses within a minute). */
  private readonly touched = new Map<string, number>();

  constructor(
    private readonly repository: IntegrationClientsRepository,
    private readonly clock: Clock,
  ) {}

  /** Creates a client and returns its key: the only time the key exists outside the caller. */
  async create(system: string, name: string): Promise<{ client: IntegrationClientView; key: string }> {
    if (!(INTEGRATION_SYSTEMS as readonly string[]).includes(system))
      throw new Error(`system must be one of ${INTEGRATION_SYSTEMS.join(', ')}`);
    const trimmed = name.trim();
    if (!trimmed || trimmed.length > 100) throw new Error('name must be 1 to 100 characters');
    const key = `mpk_${system}_${randomToken(32)}`;
    const client = await this.repository.insert({
      system: system as IntegrationSystem,
      name: trimmed,
      keyHash: sha256Hex(key),
      keyPrefix: key.slice(0, 12),
      now: this.clock.now(),
    });
    return { client, key };
  }

  revoke(id: string): Promise<IntegrationClientView | undefined> {
    return this.repository.revoke(id, this.clock.now());
  }

  list(): Promise<IntegrationClientView[]> {
    return this.repository.list();
  }

  /** The unrevoked client holding this key, or null; notes its use (at most once a minute). */
  async authenticate(key: string): Promise<AuthenticatedIntegrationClient | null> {
    if (!key.startsWith('mpk_')) return null;
    const client = await this.repository.findActiveByKeyHash(sha256Hex(key));
    if (!client) return null;
    const now = this.clock.now();
    const last = this.touched.get(client.id);
    if (last === undefined || now.getTime() - last >= TOUCH_EVERY_MS) {
      this.touched.set(client.id, now.getTime());
      await this.repository.touch(client.id, now);
    }
    return client;
  }
}
