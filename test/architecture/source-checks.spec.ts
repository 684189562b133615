import {
  foreignTableReferences,
  globalModules,
  moduleCycles,
  moduleGraph,
  modulesWithoutFace,
  oversizedFiles,
  sqlOutsideRepositories,
  stripComments,
  tableOwners,
  wallClockReads,
  type SourceFile,
} from './source-checks.js';

/** The architecture checks catch planted violations (and do not flag the allowed cases). */
const entities: SourceFile[] = [
  { path: 'src/modules/identity/entities/user.entity.ts', text: "@Entity('users')\nexport class User {}" },
  {
    path: 'src/modules/patient-access/entities/patient.entity.ts',
    text: "@Entity({ name: 'patients' })\nexport class Patient {}",
  },
  {
    path: 'src/modules/patient-access/entities/roster.entity.ts',
    text: "@Entity('practice_roster')\nexport class Roster {}",
  },
];

describe('architecture checks', () => {
  it('maps tables to the module of their @Entity', () => {
    expect([...tableOwners(entities)].sort()).toEqual([
      ['patients', 'patient-access'],
      ['practice_roster', 'patient-access'],
      ['users', 'identity'],
    ]);
  });

  it("flags SQL naming another module's table, with file and line", () => {
    const file: SourceFile = {
      path: 'src/modules/patient-access/patients.repository.ts',
      text: [
        'const a = `SELECT p.id FROM patients p',
        '  JOIN users u ON u.id = p.owner_id`;',
        "const b = 'UPDATE public.users SET x = 1';",
        'const c = \'INSERT INTO "users" (id) VALUES ($1)\';',
        "const d = 'SELECT 1 FROM account_directory a JOIN practice_roster r ON r.npi = a.npi';",
        "const e = 'SELECT users_count FROM patients'; // FROM users in a comment is not SQL",
        '/* DELETE FROM users */',
      ].join('\n'),
    };
    const found = foreignTableReferences([...entities, file]);
    expect(found.map((v) => `${v.line} ${v.message}`)).toEqual([
      '2 JOIN users: table of module identity',
      '3 UPDATE users: table of module identity',
      '4 INTO users: table of module identity',
    ]);
  });

  it('does not flag a module reading its own tables', () => {
    const file = {
      path: 'src/modules/identity/users.repository.ts',
      text: "q('SELECT id FROM users WHERE id = $1')",
    };
    expect(foreignTableReferences([...entities, file])).toEqual([]);
  });

  it('flags .query(, createQueryBuilder( and preparedQuery( outside repositories and src/database', () => {
    const files: SourceFile[] = [
      {
        path: 'src/modules/identity/account.service.ts',
        text: 'a\nawait manager.query<X[]>(sql)\nthis.ds.createQueryBuilder()\nawait preparedQuery(ds, q)',
      },
      { path: 'src/modules/identity/users.repository.ts', text: 'await manager.query(sql)' },
      {
        path: 'src/database/prepared-query.ts',
        text: 'export function preparedQuery() { return db.query(x) }',
      },
      {
        path: 'src/modules/identity/me.controller.ts',
        text: '@Query() query: Dto; // manager.query( in a comment',
      },
    ];
    expect(sqlOutsideRepositories(files).map((v) => `${v.path}:${v.line}`)).toEqual([
      'src/modules/identity/account.service.ts:2',
      'src/modules/identity/account.service.ts:3',
      'src/modules/identity/account.service.ts:4',
    ]);
  });

  it('flags files over the line limit', () => {
    const files = [
      { path: 'src/a.ts', text: 'x\n'.repeat(400) },
      { path: 'src/b.ts', text: 'x\n'.repeat(401) },
    ];
    expect(oversizedFiles(files).map((v) => v.path)).toEqual(['src/b.ts']);
  });

  it('flags @Global() in src/modules only', () => {
    const files = [
      { path: 'src/modules/audit/audit.module.ts', text: '@Global()\n@Module({})' },
      { path: 'src/common/common.module.ts', text: '@Global()\n@Module({})' },
    ];
    expect(globalModules(files).map((v) => `${v.path}:${v.line}`)).toEqual([
      'src/modules/audit/audit.module.ts:1',
    ]);
  });

  it('lists modules without index.ts', () => {
    const files = [{ path: 'src/modules/audit/index.ts', text: '' }];
    expect(modulesWithoutFace(files, ['audit', 'tokens'])).toEqual(['tokens']);
  });

  it('finds module-level import cycles, ignoring type-only imports', () => {
    const files: SourceFile[] = [
      { path: 'src/modules/a/a.service.ts', text: "import { B } from '../b/index.js';" },
      { path: 'src/modules/b/b.service.ts', text: "import { C } from '../c/index.js';" },
      { path: 'src/modules/c/c.service.ts', text: "import { A } from '../a/index.js';" },
      {
        path: 'src/modules/d/d.service.ts',
        text: "import type { A } from '../a/index.js';\nimport { B } from '../b/index.js';",
      },
      { path: 'src/modules/b/b.port.ts', text: "import type { D } from '../d/index.js';" },
    ];
    expect(moduleCycles(moduleGraph(files))).toEqual([['a', 'b', 'c']]);
    expect(moduleCycles(moduleGraph(files.slice(0, 2)))).toEqual([]);
  });

  it('flags new Date() in modules, not dates built from a value nor Date.now() deadlines', () => {
    const files = [
      {
        path: 'src/modules/tokens/invitations.service.ts',
        text: 'const a = new Date(row.at);\nconst b = new Date();\nconst c = Date.now(); // new Date()',
      },
      { path: 'src/common/time/clock.ts', text: 'return new Date();' },
    ];
    expect(wallClockReads(files).map((v) => `${v.path}:${v.line}`)).toEqual([
      'src/modules/tokens/invitations.service.ts:2',
    ]);
  });

  it('blanks comments but keeps strings, template literals and line numbers', () => {
    const text = "a // x\nconst u = 'http://x'; /* y\n z */ `t ${'//'} ${ {a: 1}.a } // in template`";
    const stripped = stripComments(text);
    expect(stripped.split('\n')).toHaveLength(3);
    expect(stripped).toContain("'http://x'");
    expect(stripped).toContain('// in template');
    expect(stripped).not.toContain('// x');
    expect(stripped).not.toContain('y');
  });
});
