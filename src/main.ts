import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';
import { ConfigError, loadConfig } from './config/app-config.js';
import { configureApp } from './configure-app.js';
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

  const app = await NestFactory.create<NestExpressApplication>(AppModule, { bodyParser: false, bufferLogs: true });
  configureApp(app, config);
  // Graceful shutdown: SIGTERM stops accepting connections, drains, then closes queues and the pool.
  const server = await app.listen(config.port);
  server.keepAliveTimeout = 65_000;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
