import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pendingSchemaChanges } from './schema-diff.js';

/** Writes migrations/<timestamp>-<Name>.ts from the entity/migration difference and registers it. */
const name = process.argv[2];
if (!name || !/^[A-Z][A-Za-z0-9]+$/.test(name)) {
  console.error('usage: npm run migration:generate -- <PascalName>');
  process.exit(2);
}
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { up, down } = await pendingSchemaChanges();
if (!up.length) {
  console.log('No changes: entities and migrations agree.');
  process.exit(0);
}
const timestamp = Date.now();
const className = `${name}${timestamp}`;
const q = (s: string) => '`' + s.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${') + '`';
const file = `import { MigrationInterface, QueryRunner } from 'typeorm';

export class ${className} implements MigrationInterface {
  name = '${className}';

  public async up(queryRunner: QueryRunner): Promise<void> {
${up.map((s) => `    await queryRunner.query(${q(s)});`).join('\n')}
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
${down
  .reverse()
  .map((s) => `    await queryRunner.query(${q(s)});`)
  .join('\n')}
  }
}
`;
const fileName = `${timestamp}-${name}`;
writeFileSync(join(root, 'migrations', `${fileName}.ts`), file);
const indexPath = join(root, 'migrations', 'index.ts');
let index = readFileSync(indexPath, 'utf8');
index = index.replace(
  /(\/\*\* Every migration[^\n]*\n)/,
  `$1import { ${className} } from './${fileName}.js';\n`,
);
index = index.replace(/export const MIGRATIONS: Function\[\] = \[([^\]]*)\];/, (_m, list: string) => {
  const items = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  items.push(className);
  return `export const MIGRATIONS: Function[] = [${items.join(', ')}];`;
});
writeFileSync(indexPath, index);
console.log(`Wrote migrations/${fileName}.ts (${up.length} statements). Review it before committing.`);
