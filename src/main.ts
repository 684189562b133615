import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { createServer } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module.js';
import { ConfigError, loadConfig } from './config/app-config.js';
import { configureApp, createHttpAdapter } from './configure-app.js';
import { prepareDatabase } from './database/prepare-database.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const applied = await prepareDatabase(config);
  if (applied.length) console.log(JSON.stringify({ msg: 'migrations applied', migrations: applied }));

  const app = await NestFactory.create<NestFastifyApplication>(AppModule, createHttpAdapter(), { bodyParser: false, bufferLogs: true });
  await configureApp(app, config);
  // Graceful shutdown: SIGTERM stops accepting connections, drains, then closes queues and the pool.
  // Fastify listens on localhost only by default: every interface instead, as Node's (and Express's) default.
  await app.listen(config.port, (await ipv6Available()) ? '::' : '0.0.0.0');
}

/** Whether `::` can be bound (dual-stack: IPv4 too), as Node checks when `listen()` is given no host. */
function ipv6Available(): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(0, '::', () => probe.close(() => resolve(true)));
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
