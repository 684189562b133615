/**
 * Module boundaries (docs/CONVENTIONS.md, "Module faces"). Runs in `npm run lint`, so CI fails on
 * an error-level violation:
 *
 *   npx depcruise src --config .dependency-cruiser.cjs
 *
 * A module's face is its `src/modules/<m>/index.ts`: another module imports that and nothing else.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'module-face-only',
      severity: 'error',
      comment:
        'A file of src/modules/<a>/ may import from another module <b> only src/modules/<b>/index.ts (its face). ' +
        'Export what you need from that index.ts, or ask its owner to.',
      from: { path: '^src/modules/([^/]+)/' },
      to: {
        path: '^src/modules/[^/]+/',
        pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/index\\.ts$'],
      },
    },
    {
      name: 'shared-code-not-on-modules',
      severity: 'error',
      comment:
        'src/common, src/database and src/config are below the modules: they must not import a feature module ' +
        '(move the shared piece down, or inject it through a port).',
      from: { path: '^src/(common|database|config)/' },
      to: { path: '^src/modules/' },
    },
    {
      name: 'no-cross-module-cycle',
      // A cycle through files of two or more modules (type-only imports count: a design cycle).
      // test/architecture/architecture.spec.ts checks the module-level graph too (runtime imports).
      severity: 'error',
      comment:
        'Modules import each other in a cycle: break it with a port (an interface + token provided by the owner).',
      from: { path: '^src/modules/([^/]+)/' },
      to: { circular: true, via: { pathNot: '^src/modules/$1/' } },
    },
    {
      name: 'no-circular',
      // Within one module: a cycle can leave a class undefined when Nest reads its decorators.
      severity: 'warn',
      comment: 'Files import each other in a cycle: move the shared piece into a file both import.',
      from: { path: '^src/modules/([^/]+)/' },
      to: { circular: true, viaOnly: { path: '^src/modules/$1/' } },
    },
    {
      name: 'no-circular-shared',
      severity: 'warn',
      comment: 'Files outside the modules import each other in a cycle.',
      from: { pathNot: '^src/modules/' },
      to: { circular: true },
    },
    {
      name: 'no-import-of-specs',
      severity: 'error',
      comment: 'Production code must not import a test file.',
      from: { pathNot: '\\.(spec|e2e-spec|module-spec)\\.ts$' },
      to: { path: '\\.(spec|e2e-spec|module-spec)\\.ts$' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that does not resolve (a typo, or a file moved without its importers).',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.(spec|e2e-spec|module-spec)\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
