import 'reflect-metadata';
import { Global, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Clock } from '../src/common/time/clock.js';
import { ConfigError, loadConfig } from '../src/config/app-config.js';
import { ConfigModule } from '../src/config/config.module.js';
import { DatabaseModule } from '../src/database/database.module.js';
import { prepareDatabase } from '../src/database/prepare-database.js';
import {
  INTEGRATION_SYSTEMS,
  IntegrationClientsModule,
  IntegrationClientsService,
} from '../src/modules/integration-clients/index.js';

/**
 * `npm run integration:create -- ehr|portal <name>`: creates an integration client and prints its
 * key once (only its SHA-256 is stored). `npm run integration:revoke -- <id>`: revokes one at once.
 * `npm run integration:list`: every client, without keys. Rotation: create, switch the system over,
 * revoke the old one. Runs with the application's configuration (DATABASE_URL, NODE_ENV).
 */

/** The clock, as CommonModule provides it to the application (CommonModule itself would need Redis). */
@Global()
@Module({ providers: [Clock], exports: [Clock] })
class ScriptClockModule {}

@Module({ imports: [ConfigModule, ScriptClockModule, DatabaseModule, IntegrationClientsModule] })
class IntegrationClientsScriptModule {}

const USAGE = `usage:
  npm run integration:create -- ${INTEGRATION_SYSTEMS.join('|')} <name>
  npm run integration:revoke -- <id>
  npm run integration:list`;

async function main(): Promise<number> {
  const [command, ...args] = process.argv.slice(2);
  const config = loadConfig();
  await prepareDatabase(config);
  const app = await NestFactory.createApplicationContext(IntegrationClientsScriptModule, {
    logger: ['error'],
  });
  try {
    const clients = app.get(IntegrationClientsService);
    if (command === 'create' && args.length >= 2) {
      const { client, key } = await clients.create(args[0], args.slice(1).join(' '));
      console.log(`Created ${client.system} integration client "${client.name}" (id ${client.id}).`);
      console.log(`API key (shown once, store it in the calling system's secret store):\n${key}`);
      return 0;
    }
    if (command === 'revoke' && args.length === 1) {
      const revoked = await clients.revoke(args[0]).catch(() => undefined);
      if (!revoked) {
        console.error(`No integration client with id ${args[0]}.`);
        return 1;
      }
      console.log(
        `Revoked ${revoked.system} integration client "${revoked.name}" (id ${revoked.id}) at ${revoked.revokedAt?.toISOString()}.`,
      );
      return 0;
    }
    if (command === 'list') {
      for (const c of await clients.list()) {
        const state = c.revokedAt ? `revoked ${c.revokedAt.toISOString()}` : 'active';
        console.log(
          `${c.id}  ${c.system.padEnd(6)} ${c.keyPrefix}…  ${state}  last used ${c.lastUsedAt?.toISOString() ?? 'never'}  ${c.name}`,
        );
      }
      return 0;
    }
    console.error(USAGE);
    return 2;
  } finally {
    await app.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError || error instanceof Error ? error.message : error);
    process.exit(error instanceof ConfigError ? 78 : 1);
  },
);
