import { pendingSchemaChanges } from './schema-diff.js';

/** CI check: fails when the entities describe a schema the migrations do not create. */
const { up } = await pendingSchemaChanges();
if (up.length) {
  console.error('Entities and migrations have drifted. Missing from migrations:\n');
  for (const q of up) console.error(`  ${q};`);
  console.error('\nRun `npm run migration:generate -- <PascalName>` and review the result.');
  process.exit(1);
}
console.log('Entities and migrations agree.');
