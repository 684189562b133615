import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { rateLimited } from '../errors/problem.js';
import { REDIS } from '../redis/redis.module.js';

export interface LimitRule {
  /** Distinct name of the limit, part of the Redis key. */
  name: string;
  points: number;
  durationSeconds: number;
  /** How long the key is blocked once exhausted (defaults to the rest of the window). */
  blockSeconds?: number;
}

/**
 * Redis-backed counters (rate-limiter-flexible) so limits hold across app instances.
 * When Redis is unreachable the limiter lets requests through rather than failing them:
 * the other controls (lockout in PostgreSQL) still stand.
 */
@Injectable()
export class RateLimiterService {
  private readonly limiters = new Map<string, RateLimiterRedis>();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private limiter(rule: LimitRule): RateLimiterRedis {
    let limiter = this.limiters.get(rule.name);
    if (!limiter) {
      limiter = new RateLimiterRedis({
        storeClient: this.redis,
        keyPrefix: `${this.config.redisPrefix}:rl:${rule.name}`,
        points: rule.points,
        duration: rule.durationSeconds,
        blockDuration: rule.blockSeconds ?? 0,
        useRedisPackage: false,
      });
      this.limiters.set(rule.name, limiter);
    }
    return limiter;
  }

  /** Counts one hit; throws 429 `rate_limited` with Retry-After when the limit is exceeded. */
  async consume(rule: LimitRule, key: string, points = 1): Promise<void> {
    try {
      await this.limiter(rule).consume(key, points);
    } catch (result) {
      if (result instanceof RateLimiterRes) throw rateLimited(result.msBeforeNext / 1000);
      // Redis unavailable: fail open (see class comment).
    }
  }

  /** Throws 429 if the key is already exhausted, without counting a hit. */
  async check(rule: LimitRule, key: string): Promise<void> {
    let res: RateLimiterRes | null;
    try {
      res = await this.limiter(rule).get(key);
    } catch {
      return; // Redis unavailable: fail open.
    }
    if (res && res.consumedPoints >= rule.points) throw rateLimited(res.msBeforeNext / 1000);
  }

  async reset(rule: LimitRule, key: string): Promise<void> {
    await this.limiter(rule)
      .delete(key)
      .catch(() => undefined);
  }
}
