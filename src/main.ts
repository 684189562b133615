import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { createServer } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module.js';
import { configureApp, createHttpAdapter } from './configure-app.js';
import { loadConfigAndPrepareDatabase } from './infrastructure.js';

async function main(): Promise<void> {
  const config = await loadConfigAndPrepareDatabase();

  const app = await NestFactory.create<NestFastifyApplication>(AppModule, createHttpAdapter(), {
    bodyParser: false,
    bufferLogs: true,
  });
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
