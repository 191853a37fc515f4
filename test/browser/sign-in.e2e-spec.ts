import { jest } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { horizontalOverflow, launchChromium, openPage, PHONE, screenshot, settled, signInThroughUi } from '../support/browser.js';
import { ADMIN_TOKEN, startTestApp, TestApp } from '../support/test-app.js';
import { describeInBrowser } from './browser-suite.js';

jest.setTimeout(60_000);

describeInBrowser('UI: signing in and out', () => {
  let t: TestApp;
  let browser: Browser;
  let baseUrl: string;

  beforeAll(async () => {
    t = await startTestApp();
    baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as { port: number }).port}`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('refuses a wrong token with a message under the field and changes nothing', async () => {
    const { page, context, takeProblems } = await openPage(browser, baseUrl);
    await page.goto('/');
    await page.getByLabel('Personal access token').fill('roster_pat_not-a-real-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('That token was not accepted').waitFor();
    expect(await page.getByLabel('Personal access token').getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'sign-in-error');
    expect(await t.sql('SELECT id FROM sessions')).toHaveLength(0);
    // The refused POST is the only console error: Chromium logs every 401 response.
    const problems = takeProblems();
    expect(problems.consoleErrors.every((m) => /status of 401/.test(m))).toBe(true);
    expect(problems.pageErrors).toEqual([]);
    await context.close();
  });

  it('signs in with a personal access token, survives a reload and signs out', async () => {
    const { page, context, takeProblems } = await openPage(browser, baseUrl);
    await page.goto('/');
    await page.getByRole('heading', { name: 'Sign in to Roster' }).waitFor();
    await screenshot(page, 'sign-in');
    await signInThroughUi(page, ADMIN_TOKEN);
    expect(await t.sql('SELECT id FROM sessions')).toHaveLength(1);
    await page.reload();
    await page.getByRole('heading', { name: 'Groups', level: 1 }).waitFor();
    await settled(page);
    await expect(page.getByRole('button', { name: 'Sign out' }).isVisible()).resolves.toBe(true);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You have signed out.').waitFor();
    expect(await t.sql('SELECT id FROM sessions')).toHaveLength(0);
    expect(takeProblems()).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [] });
    await context.close();
  });

  it('fits a 390 px wide screen without sideways scrolling', async () => {
    const { page, context, takeProblems } = await openPage(browser, baseUrl, PHONE);
    await page.goto('/#/sign-in');
    await page.getByRole('heading', { name: 'Sign in to Roster' }).waitFor();
    expect(await horizontalOverflow(page)).toBe(0);
    await screenshot(page, 'sign-in-390');
    expect(takeProblems()).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [] });
    await context.close();
  });
});
