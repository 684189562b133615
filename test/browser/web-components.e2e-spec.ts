import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The web app's component tests (Vitest + Testing Library, web/src/**\/*.test.tsx) as part of
 * `npm test`: Jest runs Vitest once and reports its result (`npm run web:test` runs them alone).
 */
describe('web components (Vitest)', () => {
  it('pass', () => {
    const run = spawnSync(
      process.execPath,
      [
        join('node_modules', 'vitest', 'vitest.mjs'),
        'run',
        '--config',
        'web/vite.config.ts',
        '--reporter=dot',
      ],
      {
        cwd: process.cwd(),
        encoding: 'utf8',
        env: { ...process.env, NODE_ENV: 'test', NO_COLOR: '1', FORCE_COLOR: '0' },
        timeout: 240_000,
      },
    );
    // eslint-disable-next-line no-control-regex
    const output = `${run.stdout}\n${run.stderr}`.replace(/\x1b\[[0-9;]*m/g, '');
    if (run.status !== 0) throw new Error(`vitest failed (exit ${run.status}):\n${output.slice(-6000)}`);
    expect(output).toMatch(/Tests\s+\d+ passed/);
  }, 300_000);
});
