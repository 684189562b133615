import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { loadConfigAndPrepareDatabase } from './infrastructure.js';
import { WorkerModule } from './worker.module.js';

/**
 * `node dist/src/worker.js`: the email sender in its own process (outbox relay + Bull sender), for
 * API instances started with NOTIFICATIONS_SENDER=false. It always sends, whatever that variable
 * says, so the API and the worker can share one environment. Several workers may run: the relay's
 * SKIP LOCKED batches and Bull share the work. SIGTERM finishes the jobs in progress and exits.
 */
async function main(): Promise<void> {
  process.env.NOTIFICATIONS_SENDER = 'true';
  const config = await loadConfigAndPrepareDatabase();
  const app = await NestFactory.createApplicationContext(WorkerModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.init();
  app.get(Logger).log({
    msg: 'notifications sender started',
    batchSize: config.notifications.batchSize,
    sendConcurrency: config.notifications.sendConcurrency,
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
