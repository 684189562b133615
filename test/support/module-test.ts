import 'reflect-metadata';
import type { DynamicModule, ForwardReference, Type } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { Test, type TestingModule } from '@nestjs/testing';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Clock, FixedClock } from '../../src/common/time/clock.js';
import { APP_CONFIG, type AppConfig, loadConfig } from '../../src/config/app-config.js';
import { INFRASTRUCTURE_MODULES } from '../../src/infrastructure.js';
import { SmtpSink } from './smtp-sink.js';
import { createTestDatabase, databaseUrl, dropTestDatabase } from './test-db.js';

/**
 * The middle test tier: real services and real repositories of the modules under test, on a
 * database of their own (cloned from the migrated template), without an HTTP server.
 *
 *   const t = await createModuleTest({ imports: [SponsorshipModule] });
 *   const service = t.get(SponsorshipService);
 *   ...
 *   await t.close();
 *
 * The infrastructure AppModule provides (config, logging, Clock, Redis, TypeORM, Bull, schedule)
 * is imported here; the test lists only the feature modules. A module that forgets to import a
 * module it uses fails to compile here (AppModule would have hidden it) — that is the point.
 */
export interface ModuleTestOptions {
  /** The feature modules under test (their own imports come with them). */
  imports: Array<Type<unknown> | DynamicModule | Promise<DynamicModule> | ForwardReference>;
  /** Start of the test clock (default 2026-11-16T15:00:00Z, as in createTestApp). */
  now?: string;
  /** Extra environment for loadConfig. */
  env?: Record<string, string>;
  /** Replace providers before compile, e.g. `[[MailTransport, fake]]`. */
  overrides?: Array<[unknown, unknown]>;
  /** Start an in-process SMTP sink and point SMTP_URL at it (for tests that send email). */
  smtp?: boolean;
  /**
   * Run lifecycle hooks (onModuleInit, onApplicationBootstrap: outbox relay, scheduler wiring).
   * Default true, as the application would; false for a bare container.
   */
  init?: boolean;
}

export interface ModuleTestContext {
  moduleRef: TestingModule;
  /** A provider of the container, looked up across modules (`strict: false`). */
  get: <T>(token: Type<T> | string | symbol) => T;
  dataSource: DataSource;
  clock: FixedClock;
  config: AppConfig;
  databaseName: string;
  /** Set when `smtp: true`. */
  smtp?: SmtpSink;
  close: () => Promise<void>;
}

export async function createModuleTest(options: ModuleTestOptions): Promise<ModuleTestContext> {
  const smtp = options.smtp ? await new SmtpSink().start() : undefined;
  const databaseName = await createTestDatabase();
  const redisPrefix = `mtest:${randomBytes(4).toString('hex')}`;
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl(databaseName),
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: redisPrefix,
    // Nothing listens here unless `smtp: true`: a test that sends mail must ask for the sink.
    SMTP_URL: smtp?.url ?? 'smtp://127.0.0.1:9',
    PORTAL_URL: 'https://portal.test',
    TEAM_EMAIL: 'team@mypatients.test',
    MAIL_FROM: 'MyPatients <no-reply@mypatients.test>',
    EHR_API_KEY: 'test-ehr-key-0123456789',
    PORTAL_API_KEY: 'test-portal-key-0123456789',
    CRON_ENABLED: 'false',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...options.env,
  });
  const clock = new FixedClock(new Date(options.now ?? '2026-11-16T15:00:00Z'));

  let moduleRef: TestingModule | undefined;
  const close = async () => {
    await moduleRef?.close().catch(() => undefined);
    await smtp?.stop();
    await clearRedisPrefix(config.redisUrl, redisPrefix);
    await dropTestDatabase(databaseName);
  };

  try {
    let builder = Test.createTestingModule({
      // The same infrastructure every process of the service starts with (src/infrastructure.ts).
      imports: [...INFRASTRUCTURE_MODULES, ScheduleModule.forRoot(), ...options.imports],
    })
      .overrideProvider(APP_CONFIG)
      .useValue(config)
      .overrideProvider(Clock)
      .useValue(clock);
    for (const [token, value] of options.overrides ?? [])
      builder = builder.overrideProvider(token).useValue(value);
    moduleRef = await builder.compile();
    if (options.init !== false) await moduleRef.init();
  } catch (error) {
    await close();
    throw error;
  }

  const ref = moduleRef;
  return {
    moduleRef: ref,
    get: <T>(token: Type<T> | string | symbol) => ref.get<T>(token as Type<T>, { strict: false }),
    dataSource: ref.get(DataSource),
    clock,
    config,
    databaseName,
    smtp,
    close,
  };
}

async function clearRedisPrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } catch {
    // Redis down: nothing of ours to clear.
  } finally {
    redis.disconnect();
  }
}
