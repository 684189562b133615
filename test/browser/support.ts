import AxeBuilder from '@axe-core/playwright';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * Browser tests (issue 19): Debian's Chromium driven by playwright-core against the real app.
 * Without Chromium they are skipped with one loud line; with CI=true they fail instead.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];
const ROOT = process.cwd();
export const SCREENSHOTS = join(ROOT, 'docs', 'screenshots');

/** `describe` when Chromium is there; otherwise one loud line and `describe.skip` (CI: a failure). */
export function describeInBrowser(name: string, body: () => void): void {
  if (existsSync(CHROMIUM)) return describe(name, body);
  if (process.env.CI === 'true') {
    describe(name, () => {
      it('has Chromium to run in', () => {
        throw new Error(`${CHROMIUM} is missing: CI must install it (apt-get install -y chromium)`);
      });
    });
    return;
  }
  console.warn(
    `\n!!! BROWSER TESTS SKIPPED: ${CHROMIUM} not found (apt-get install -y chromium) — "${name}" did not run !!!\n`,
  );
  describe.skip(name, body);
}

export async function launchBrowser(): Promise<Browser> {
  // playwright-core gives every launch a fresh, temporary user-data directory.
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds the web app (dist/web) when it is missing or older than web/ (one build at a time). */
export async function ensureWebBuilt(): Promise<void> {
  const index = join(ROOT, 'dist', 'web', 'index.html');
  const lock = join(ROOT, '.web-build-lock');
  for (let waited = 0; ; waited += 200) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (waited > 120_000) rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    if (!existsSync(index) || statSync(index).mtimeMs < newestMtime(join(ROOT, 'web'))) {
      execFileSync(
        process.execPath,
        [
          join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'),
          'build',
          '--config',
          'web/vite.config.ts',
          '--logLevel',
          'error',
        ],
        {
          cwd: ROOT,
          stdio: 'pipe',
          // Jest sets NODE_ENV=test, which would make Vite bundle React's development build.
          env: { ...process.env, NODE_ENV: 'production' },
        },
      );
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Listens on a free loopback port (never 3000) and returns the base URL. */
export async function listen(server: {
  listen: (port: number, host: string, cb: () => void) => unknown;
  address: () => unknown;
}): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export interface AxeFinding {
  page: string;
  id: string;
  impact: string;
  help: string;
  nodes: string[];
}

/** axe-core with the WCAG 2.1 A/AA rules: every serious or critical violation of this state. */
export async function axe(page: Page, state: string): Promise<AxeFinding[]> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      page: state,
      id: v.id,
      impact: v.impact ?? '',
      help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
    }));
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true, animations: 'disabled' });
}

/** Presses Tab until the focused element's accessible text matches (keyboard-only navigation). */
export async function tabTo(page: Page, text: RegExp, max = 40): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    // A string runs in the page (this file is compiled without the DOM library).
    const focused = await page.evaluate(
      `(() => { const el = document.activeElement; return el ? [el.getAttribute('aria-label'), el.innerText, el.labels && el.labels[0] && el.labels[0].innerText].join(' ') : ''; })()`,
    );
    if (text.test(String(focused))) return;
  }
  throw new Error(`Tab never reached ${text}`);
}

/**
 * How far the page is wider than the viewport (0: no horizontal scrolling at 375 px); when it is,
 * the widest offending elements are printed.
 */
export async function horizontalOverflow(page: Page): Promise<number> {
  // The page's own width, and what sticks out of the fixed header (which scrollWidth ignores).
  const overflow = Number(
    await page.evaluate(`Math.max(document.documentElement.scrollWidth - document.documentElement.clientWidth,
      ...[...document.querySelectorAll('header a, header button')].filter((el) => el.offsetParent !== null)
        .map((el) => Math.ceil(el.getBoundingClientRect().right - document.documentElement.clientWidth)))`),
  );
  if (overflow > 0) {
    const culprits = await page.evaluate(`(() => {
      const w = document.documentElement.clientWidth;
      return [...document.querySelectorAll('body *')]
        .filter((el) => el.getBoundingClientRect().right > w + 1 && el.offsetParent !== null)
        .slice(-8)
        .map((el) => el.tagName + '.' + String(el.className).slice(0, 60) + ' ' + Math.round(el.getBoundingClientRect().right));
    })()`);
    console.warn(`page ${overflow}px wider than the viewport:`, culprits);
  }
  return overflow;
}

/** Resizes the viewport and lets the layout settle (AppShell animates its navbar). */
export async function resize(page: Page, width: number): Promise<void> {
  await page.setViewportSize({ width, height: width < 600 ? 800 : 900 });
  await page.waitForTimeout(400);
}
