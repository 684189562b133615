import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  describeCycle,
  foreignTableReferences,
  formatViolations,
  globalModules,
  MAX_LINES,
  moduleCycles,
  moduleGraph,
  modulesWithoutFace,
  oversizedFiles,
  readSources,
  SHARED_VIEWS,
  sqlOutsideRepositories,
  tableOwners,
  wallClockReads,
} from './source-checks.js';

/**
 * The shape of the code (issue 13, docs/CONVENTIONS.md), read from the sources. Module boundaries
 * (imports of another module's inner files) are dependency-cruiser's: `npm run lint:boundaries`.
 */
const root = process.cwd();
const sources = readSources(root, ['src']);
const modules = readdirSync(join(root, 'src/modules')).filter((name) =>
  statSync(join(root, 'src/modules', name)).isDirectory(),
);

describe('architecture', () => {
  it('knows the owner of every table from its @Entity', () => {
    const owners = tableOwners(sources);
    expect(owners.get('users')).toBe('identity');
    expect(owners.get('patients')).toBe('patient-access');
    expect(owners.size).toBeGreaterThanOrEqual(20);
    for (const view of Object.keys(SHARED_VIEWS)) expect(owners.has(view)).toBe(false);
  });

  it("a module's SQL names only its own tables (others' data through their services or the account_directory view)", () => {
    const violations = foreignTableReferences(sources);
    expect(formatViolations(violations)).toBe('');
  });

  it('SQL is written only in *.repository.ts and src/database/ (no .query(, createQueryBuilder(, preparedQuery( elsewhere)', () => {
    expect(formatViolations(sqlOutsideRepositories(sources))).toBe('');
  });

  it(`no source file is over ${MAX_LINES} lines`, () => {
    expect(formatViolations(oversizedFiles(sources))).toBe('');
  });

  it('no feature module is @Global(): importers name the modules they use', () => {
    expect(formatViolations(globalModules(sources))).toBe('');
  });

  it('every module has an index.ts face', () => {
    expect(modulesWithoutFace(sources, modules)).toEqual([]);
  });

  it('domain code asks the injected Clock for the time (no new Date() in src/modules)', () => {
    expect(formatViolations(wallClockReads(sources))).toBe('');
  });

  it('modules do not import each other in a cycle', () => {
    const cycles = moduleCycles(moduleGraph(sources));
    expect(cycles.map((cycle) => describeCycle(sources, cycle)).join('\n')).toBe('');
  });
});
