import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { projectRoot } from '../../src/project-root.js';

/**
 * Browser tests drive Debian's Chromium (admin-ui.md): never a downloaded browser. When it is not
 * installed the suites skip and say so.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const chromiumAvailable = (): boolean => existsSync(CHROMIUM_PATH);

export const SKIP_MESSAGE = `Chromium is not installed at ${CHROMIUM_PATH} (install it with: apt-get install -y chromium)`;

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

export const ARTIFACTS_DIR = join(projectRoot(), 'artifacts', 'screenshots');
export const DOCS_SCREENSHOTS_DIR = join(projectRoot(), 'docs', 'screenshots');

/** Where a browser test's screenshots go: the committed copies in docs/screenshots/ change only with UPDATE_SCREENSHOTS=1. */
export const SCREENSHOT_DIRS = process.env.UPDATE_SCREENSHOTS === '1' ? [ARTIFACTS_DIR, DOCS_SCREENSHOTS_DIR] : [ARTIFACTS_DIR];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** What a page did that a test should fail on: console errors, uncaught exceptions, dialogs. */
export interface PageProblems {
  consoleErrors: string[];
  pageErrors: string[];
  dialogs: string[];
}

export interface TrackedPage {
  context: BrowserContext;
  page: Page;
  problems: PageProblems;
  /** Problems so far, then cleared (for "no console errors on this page" checks). */
  takeProblems(): PageProblems;
}

export async function openPage(browser: Browser, baseUrl: string, viewport = DESKTOP): Promise<TrackedPage> {
  const context = await browser.newContext({ viewport, baseURL: baseUrl, locale: 'en-GB', timezoneId: 'UTC' });
  const page = await context.newPage();
  const problems: PageProblems = { consoleErrors: [], pageErrors: [], dialogs: [] };
  page.on('console', (message) => {
    // Chromium logs every failed fetch as an error; a healthy page makes none, so every one counts.
    if (message.type() === 'error') problems.consoleErrors.push(`${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => problems.pageErrors.push(error.message));
  page.on('dialog', (dialog) => {
    problems.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return {
    context,
    page,
    problems,
    takeProblems() {
      const copy = { consoleErrors: [...problems.consoleErrors], pageErrors: [...problems.pageErrors], dialogs: [...problems.dialogs] };
      problems.consoleErrors.length = 0;
      problems.pageErrors.length = 0;
      problems.dialogs.length = 0;
      return copy;
    },
  };
}

/** Signs in through the UI's own form, as a person would. */
export async function signInThroughUi(page: Page, token: string): Promise<void> {
  await page.goto('/#/sign-in');
  await page.getByLabel('Personal access token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Groups', level: 1 }).waitFor();
}

/**
 * Waits until the page drawn is the address's (a hash change is drawn a task after the address
 * changes: `#main`'s `data-address` says which one is drawn) and every list on it has loaded.
 */
export async function settled(page: Page): Promise<void> {
  await page.waitForFunction(
    () =>
      document.querySelector('#boot') === null &&
      document.querySelector<HTMLElement>('#main')?.dataset.address === location.hash &&
      document.querySelector('#main[aria-busy], .list-view[aria-busy]') === null,
  );
}

/** Width the page would scroll sideways by (0 when nothing overflows the viewport). */
export function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - document.documentElement.clientWidth);
}

/**
 * A full-page PNG in each directory. `maxHeight` cuts a long page (the copies committed for the
 * README stay readable and small; the artifacts keep everything).
 */
export async function screenshot(page: Page, name: string, dirs: string[] = [ARTIFACTS_DIR], maxHeight?: number): Promise<void> {
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  const width = page.viewportSize()?.width ?? DESKTOP.width;
  for (const dir of dirs) {
    mkdirSync(dir, { recursive: true });
    const clip = maxHeight && height > maxHeight ? { x: 0, y: 0, width, height: maxHeight } : undefined;
    await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true, clip });
  }
}
