import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { Public } from '../../common/auth/auth.decorators.js';
import { REDIS } from '../../common/redis/redis.module.js';
import { TypeOrmHealthIndicator } from '@nestjs/terminus';

type Check = 'up' | 'down';

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

@ApiTags('service')
@Controller('health')
export class HealthController {
  constructor(
    private readonly db: TypeOrmHealthIndicator,
    private readonly dataSource: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  @Get()
  @Public()
  @ApiOkResponse({ description: '`{status:"ok", checks:{database:"up", redis:"up"}}`' })
  @ApiServiceUnavailableResponse({ description: 'A dependency is down; the failing check reads "down".' })
  async health(@Res({ passthrough: true }) res: Response) {
    const [database, redis] = await Promise.all([this.checkDatabase(), this.checkRedis()]);
    const ok = database === 'up' && redis === 'up';
    res.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: ok ? 'ok' : 'error', checks: { database, redis } };
  }

  private async checkDatabase(): Promise<Check> {
    try {
      const result = await this.db.pingCheck('database', { connection: this.dataSource, timeout: 1500 });
      return result.database?.status === 'up' ? 'up' : 'down';
    } catch {
      return 'down';
    }
  }

  private async checkRedis(): Promise<Check> {
    try {
      return (await within(this.redis.ping(), 1500)) === 'PONG' ? 'up' : 'down';
    } catch {
      return 'down';
    }
  }
}
