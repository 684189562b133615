import { Inject, Injectable } from '@nestjs/common';
import { TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { REDIS } from '../../common/redis/redis.module.js';
import type { CheckState, HealthDto } from './health.dto.js';

/** Each check gives up after this long: a hung dependency reads "down" rather than hanging the probe. */
const CHECK_TIMEOUT_MS = 1500;

async function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<T>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

@Injectable()
export class HealthService {
  constructor(
    private readonly db: TypeOrmHealthIndicator,
    private readonly dataSource: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async check(): Promise<HealthDto> {
    const [database, redis] = await Promise.all([this.checkDatabase(), this.checkRedis()]);
    return { status: database === 'up' && redis === 'up' ? 'ok' : 'error', checks: { database, redis } };
  }

  private async checkDatabase(): Promise<CheckState> {
    try {
      const result = await this.db.pingCheck('database', {
        connection: this.dataSource,
        timeout: CHECK_TIMEOUT_MS,
      });
      return result.database?.status === 'up' ? 'up' : 'down';
    } catch {
      return 'down';
    }
  }

  private async checkRedis(): Promise<CheckState> {
    try {
      return (await within(this.redis.ping(), CHECK_TIMEOUT_MS)) === 'PONG' ? 'up' : 'down';
    } catch {
      return 'down';
    }
  }
}
