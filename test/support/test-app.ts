import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module.js';
import { APP_CONFIG, type AppConfig, loadConfig } from '../../src/config/app-config.js';
import { configureApp, createHttpAdapter } from '../../src/configure-app.js';
import { Clock, FixedClock } from '../../src/common/time/clock.js';
import { SmtpSink } from './smtp-sink.js';
import { createTestDatabase, databaseUrl, dropTestDatabase } from './test-db.js';

export interface RegisteredRoute {
  methods: string[];
  /** Fastify's syntax: `/api/v1/patients/:id`, a trailing wildcard `*`. */
  url: string;
}

/** The routes each test app registered (Fastify's onRoute hook), read by `discoverRoutes` (support/routes.ts). */
export const REGISTERED_ROUTES = new WeakMap<INestApplication, RegisteredRoute[]>();

export interface TestContext {
  app: INestApplication;
  /** supertest bound to the app, paths relative to the server root (`/api/v1/...`). */
  http: () => ReturnType<typeof request>;
  clock: FixedClock;
  config: AppConfig;
  dataSource: DataSource;
  smtp: SmtpSink;
  databaseName: string;
  close: () => Promise<void>;
  /** Starts a second app instance on the same database and Redis prefix (multi-instance tests). */
  startAnotherInstance: () => Promise<{
    app: INestApplication;
    http: () => ReturnType<typeof request>;
    close: () => Promise<void>;
  }>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  now?: string;
  /** Override providers before compile, e.g. `[[SomeService, fake]]`. */
  overrides?: Array<[unknown, unknown]>;
}

async function buildApp(config: AppConfig, clock: FixedClock, overrides: Array<[unknown, unknown]>) {
  let builder = Test.createTestingModule({ imports: [AppModule] })
    .overrideProvider(APP_CONFIG)
    .useValue(config)
    .overrideProvider(Clock)
    .useValue(clock);
  for (const [token, value] of overrides) builder = builder.overrideProvider(token).useValue(value);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createHttpAdapter(), {
    bodyParser: false,
    logger: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  const routes: RegisteredRoute[] = [];
  fastify.addHook('onRoute', (route) => {
    routes.push({ methods: ([] as string[]).concat(route.method), url: route.url });
  });
  REGISTERED_ROUTES.set(app, routes);
  await configureApp(app, config);
  await app.init();
  // supertest calls the Node server: Fastify must have loaded its plugins and built its routes first.
  await fastify.ready();
  return app;
}

/**
 * One application per test file: its own database (cloned from the migrated template), its own
 * Redis key prefix, an in-process SMTP sink, and a clock the test moves.
 */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestContext> {
  const smtp = await new SmtpSink().start();
  const databaseName = await createTestDatabase();
  const redisPrefix = `test:${randomBytes(4).toString('hex')}`;
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl(databaseName),
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: redisPrefix,
    SMTP_URL: smtp.url,
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
  const overrides = options.overrides ?? [];
  const app = await buildApp(config, clock, overrides);
  const others: INestApplication[] = [];

  const close = async () => {
    for (const other of others) await other.close().catch(() => undefined);
    await app.close().catch(() => undefined);
    await smtp.stop();
    const redis = new Redis(config.redisUrl);
    try {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisPrefix}:*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
    await dropTestDatabase(databaseName);
  };

  return {
    app,
    http: () => request(app.getHttpServer()),
    clock,
    config,
    dataSource: app.get(DataSource),
    smtp,
    databaseName,
    close,
    startAnotherInstance: async () => {
      const other = await buildApp(config, clock, overrides);
      others.push(other);
      const close = async () => {
        await other.close();
        others.splice(others.indexOf(other), 1);
      };
      return { app: other, http: () => request(other.getHttpServer()), close };
    },
  };
}
