import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/**
 * Checks of the code's shape (docs/CONVENTIONS.md, issue 13) over a list of source files. Pure
 * functions of `{ path, text }` so test/architecture/source-checks.spec.ts can plant violations.
 * Paths are repository-relative with forward slashes (`src/modules/identity/users.repository.ts`).
 */
export interface SourceFile {
  path: string;
  text: string;
}

/** Views other modules' SQL may read, with their owner. */
export const SHARED_VIEWS: Record<string, string> = { account_directory: 'identity' };

export const MAX_LINES = 400;

const isSpec = (path: string) => /\.(spec|e2e-spec|module-spec)\.ts$/.test(path);

/** Every `.ts` file under `dirs` (repository-relative), specs excluded. */
export function readSources(root: string, dirs: string[] = ['src']): SourceFile[] {
  const files: SourceFile[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) {
        const path = relative(root, full).split(sep).join('/');
        if (!isSpec(path)) files.push({ path, text: readFileSync(full, 'utf8') });
      }
    }
  };
  for (const dir of dirs) walk(join(root, dir));
  return files;
}

/** Module folders: `src/modules/<m>/` names (from the files, plus folders given). */
export function moduleOf(path: string): string | undefined {
  return /^src\/modules\/([^/]+)\//.exec(path)?.[1];
}

/**
 * The text with comments blanked (newlines kept, so offsets and line numbers stay). Strings and
 * template literals are kept: SQL lives in them.
 */
export function stripComments(text: string): string {
  const out = text.split('');
  // Stack of contexts: 'code' (with its brace depth) or 'template'.
  const stack: Array<{ kind: 'code'; depth: number } | { kind: 'template' }> = [{ kind: 'code', depth: 0 }];
  let i = 0;
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  while (i < text.length) {
    const top = stack[stack.length - 1];
    const c = text[i];
    if (top.kind === 'template') {
      if (c === '\\') i += 2;
      else if (c === '`') {
        stack.pop();
        i++;
      } else if (c === '$' && text[i + 1] === '{') {
        stack.push({ kind: 'code', depth: 0 });
        i += 2;
      } else i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? text.length : end;
      blank(i, stop);
      i = stop;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      blank(i, stop);
      i = stop;
    } else if (c === "'" || c === '"') {
      i++;
      while (i < text.length && text[i] !== c && text[i] !== '\n') i += text[i] === '\\' ? 2 : 1;
      i++;
    } else if (c === '`') {
      stack.push({ kind: 'template' });
      i++;
    } else if (c === '{') {
      top.depth++;
      i++;
    } else if (c === '}') {
      if (top.depth === 0 && stack.length > 1) stack.pop();
      else top.depth--;
      i++;
    } else i++;
  }
  return out.join('');
}

const lineAt = (text: string, index: number) => text.slice(0, index).split('\n').length;

/** table → owning module, from `@Entity('<table>')` / `@Entity({ name: '<table>' })` in src/modules/<m>/. */
export function tableOwners(files: SourceFile[]): Map<string, string> {
  const owners = new Map<string, string>();
  const entity = /@Entity\(\s*(?:'([a-z0-9_]+)'|"([a-z0-9_]+)"|\{[^}]*\bname:\s*['"]([a-z0-9_]+)['"])/g;
  for (const file of files) {
    const module = moduleOf(file.path);
    if (!module) continue;
    for (const m of stripComments(file.text).matchAll(entity)) owners.set(m[1] ?? m[2] ?? m[3], module);
  }
  return owners;
}

export interface Violation {
  path: string;
  line: number;
  message: string;
}

export const formatViolations = (violations: Violation[]) =>
  violations.map((v) => `${v.path}:${v.line}  ${v.message}`).join('\n');

/**
 * (a) A module's SQL names only its own tables (and the shared views): `FROM|JOIN|INTO|UPDATE|TABLE
 * [ONLY] [public.]<table>` where <table> belongs to another module.
 */
export function foreignTableReferences(files: SourceFile[], owners = tableOwners(files)): Violation[] {
  const violations: Violation[] = [];
  const names = [...owners.keys()].sort((a, b) => b.length - a.length);
  if (!names.length) return violations;
  const sql = new RegExp(
    `\\b(FROM|JOIN|INTO|UPDATE|TABLE|TRUNCATE)\\s+(?:ONLY\\s+)?(?:"?public"?\\.)?"?(${names.join('|')})"?(?![\\w$])`,
    'gi',
  );
  for (const file of files) {
    const module = moduleOf(file.path);
    if (!module) continue;
    const text = stripComments(file.text);
    for (const m of text.matchAll(sql)) {
      const table = m[2].toLowerCase();
      const owner = owners.get(table);
      if (owner && owner !== module) {
        violations.push({
          path: file.path,
          line: lineAt(text, m.index),
          message: `${m[1].toUpperCase()} ${table}: table of module ${owner}`,
        });
      }
    }
  }
  return violations;
}

/** (b) SQL is written only in `*.repository.ts` and `src/database/`. */
export function sqlOutsideRepositories(files: SourceFile[]): Violation[] {
  const violations: Violation[] = [];
  const call = /(\.query|\bcreateQueryBuilder|\bpreparedQuery)\s*(?:<[^>(]*>)?\s*\(/g;
  for (const file of files) {
    if (file.path.endsWith('.repository.ts') || file.path.startsWith('src/database/')) continue;
    const text = stripComments(file.text);
    for (const m of text.matchAll(call)) {
      violations.push({
        path: file.path,
        line: lineAt(text, m.index),
        message: `${m[1].replace(/^\./, '.')}( outside a repository`,
      });
    }
  }
  return violations;
}

/** (c) No source file over MAX_LINES lines. */
export function oversizedFiles(files: SourceFile[], max = MAX_LINES): Violation[] {
  return files
    .map((file) => ({ file, lines: file.text.replace(/\n$/, '').split('\n').length }))
    .filter(({ lines }) => lines > max)
    .map(({ file, lines }) => ({
      path: file.path,
      line: lines,
      message: `${lines} lines (max ${max}): split by workflow`,
    }));
}

/** (d) No `@Global()` in feature modules. */
export function globalModules(files: SourceFile[]): Violation[] {
  const violations: Violation[] = [];
  for (const file of files) {
    if (!moduleOf(file.path)) continue;
    const text = stripComments(file.text);
    for (const m of text.matchAll(/@Global\s*\(/g)) {
      violations.push({
        path: file.path,
        line: lineAt(text, m.index),
        message: '@Global() on a feature module: importers list it in @Module({ imports })',
      });
    }
  }
  return violations;
}

/** (e) Modules (folders of src/modules) without an index.ts face. */
export function modulesWithoutFace(files: SourceFile[], moduleDirs: string[]): string[] {
  const faces = new Set(
    files.filter((f) => /^src\/modules\/[^/]+\/index\.ts$/.test(f.path)).map((f) => moduleOf(f.path)),
  );
  return moduleDirs.filter((m) => !faces.has(m)).sort();
}

/**
 * (f) Module-level import graph: a → b when a file of a imports (not `import type`) from
 * `src/modules/b/`. Returns its cycles (each strongly connected component of more than one module).
 */
export function moduleGraph(files: SourceFile[]): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  const spec = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;
  for (const file of files) {
    const from = moduleOf(file.path);
    if (!from) continue;
    if (!graph.has(from)) graph.set(from, new Set());
    for (const m of stripComments(file.text).matchAll(spec)) {
      if (m[2]) continue;
      const target = resolveRelative(file.path, m[3]);
      const to = target && moduleOf(target);
      if (to && to !== from) graph.get(from)!.add(to);
    }
  }
  return graph;
}

function resolveRelative(fromPath: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const parts = fromPath.split('/').slice(0, -1);
  for (const part of specifier.split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '.') parts.push(part);
  }
  return parts.join('/');
}

export function moduleCycles(graph: Map<string, Set<string>>): string[][] {
  // Tarjan's strongly connected components.
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string) => {
    indices.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indices.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indices.get(w)!));
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!indices.has(v)) visit(v);
  return cycles;
}

/** One path round a cycle's modules, for the message: `a → b → a`, with the edges' files. */
export function describeCycle(files: SourceFile[], cycle: string[]): string {
  const members = new Set(cycle);
  const edges: string[] = [];
  for (const file of files) {
    const from = moduleOf(file.path);
    if (!from || !members.has(from)) continue;
    for (const m of stripComments(file.text).matchAll(
      /^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm,
    )) {
      const target = resolveRelative(file.path, m[1]);
      const to = target && moduleOf(target);
      if (to && to !== from && members.has(to)) edges.push(`  ${from} → ${to}  (${file.path})`);
    }
  }
  return `cycle between ${cycle.join(', ')}:\n${[...new Set(edges)].join('\n')}`;
}

/**
 * (g) Time comes from the injected Clock: no `new Date()` (without arguments) in src/modules.
 * (`Date.now()` stays allowed for real waiting — timeouts, deadlines of a poll — which a test's
 * fixed clock must not stop.)
 */
export function wallClockReads(files: SourceFile[]): Violation[] {
  const violations: Violation[] = [];
  for (const file of files) {
    if (!moduleOf(file.path)) continue;
    const text = stripComments(file.text);
    for (const m of text.matchAll(/new Date\(\s*\)/g)) {
      violations.push({
        path: file.path,
        line: lineAt(text, m.index),
        message: `${m[0]}: ask the injected Clock`,
      });
    }
  }
  return violations;
}
