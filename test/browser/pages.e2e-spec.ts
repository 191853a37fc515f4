import { join } from 'node:path';
import { jest } from '@jest/globals';
import type { Page } from 'playwright-core';
import { ARTIFACTS_DIR, DESKTOP, DOCS_SCREENSHOTS_DIR, horizontalOverflow, openPage, PHONE, screenshot, settled, signInThroughUi } from '../support/browser.js';
import { ADMIN_TOKEN } from '../support/test-app.js';
import { DemoHttp } from '../demo/demo-http.js';
import { seedDemo } from '../demo/seed.js';
import type { DemoSeed } from '../demo/seed.js';
import { describeInBrowser, startUi, UiHarness } from './browser-suite.js';

jest.setTimeout(180_000);

/** `UPDATE_SCREENSHOTS=1` refreshes the committed copies in docs/screenshots/ as well. */
const updateDocs = process.env.UPDATE_SCREENSHOTS === '1';

interface Tour {
  name: string;
  hash: string;
  /** Something that must be on the page once it has loaded. */
  ready: (page: Page) => Promise<unknown>;
  /** Optional interaction before the screenshot (open a row, a form). */
  then?: (page: Page) => Promise<unknown>;
  /** Also committed at 390 px. */
  phoneDoc?: boolean;
}

function tour(seed: DemoSeed): Tour[] {
  const g = `#/groups/${seed.groupId}`;
  const heading = (name: string) => (page: Page) => page.getByRole('heading', { name, level: 2 }).first().waitFor();
  return [
    { name: 'groups', hash: '#/groups', ready: (page) => page.getByRole('link', { name: 'Acme Corporation' }).waitFor() },
    {
      name: 'groups-new',
      hash: '#/groups',
      ready: (page) => page.getByRole('link', { name: 'Acme Corporation' }).waitFor(),
      then: async (page) => {
        await page.getByRole('button', { name: 'New group' }).click();
        await page.getByLabel('Group name').fill('Initech Labs');
      },
    },
    { name: 'group-saml-configuration', hash: `${g}/saml/configuration`, ready: heading('Service provider details'), phoneDoc: true },
    { name: 'group-scim-token', hash: `${g}/saml/scim-token`, ready: (page) => page.getByRole('button', { name: 'Reset SCIM token' }).waitFor(), phoneDoc: true },
    {
      name: 'group-scim-token-reset',
      hash: `${g}/saml/scim-token`,
      ready: (page) => page.getByRole('button', { name: 'Reset SCIM token' }).waitFor(),
      then: async (page) => {
        await page.getByRole('button', { name: 'Reset SCIM token' }).click();
        await page.getByRole('dialog').getByRole('button', { name: 'Reset SCIM token' }).click();
        await page.getByText('Your new SCIM token').waitFor();
      },
    },
    { name: 'group-members', hash: `${g}/saml/members`, ready: (page) => page.getByText('Showing 1–20').waitFor(), phoneDoc: true },
    { name: 'group-identity-mismatches', hash: `${g}/saml/mismatches`, ready: (page) => page.getByText('SCIM and SAML identifiers differ').first().waitFor(), phoneDoc: true },
    { name: 'group-audit-events', hash: `${g}/audit-events`, ready: (page) => page.getByText('Showing 1–20').waitFor() },
    {
      name: 'group-scim-requests',
      hash: `${g}/scim-requests`,
      ready: (page) => page.getByText('Showing 1–20').waitFor(),
      then: (page) => page.getByRole('row').filter({ hasText: '409' }).getByRole('button', { name: 'Body' }).click(),
    },
    {
      name: 'admin-scim-token',
      hash: '#/admin/scim-token',
      // The demo configures no instance SAML, so the page warns that instance SCIM is refused.
      ready: async (page) => {
        await page.getByRole('button', { name: 'Generate a SCIM token' }).waitFor();
        await page.getByText('SAML SSO is not configured yet, so the SCIM API refuses every request.', { exact: false }).waitFor();
      },
    },
    { name: 'admin-saml', hash: '#/admin/saml', ready: heading('Service provider details') },
    { name: 'admin-identity-mismatches', hash: '#/admin/identity-mismatches', ready: heading('Identity mismatches') },
    { name: 'admin-sign-in-troubleshooter', hash: '#/admin/sign-in-troubleshooter', ready: heading('Troubleshoot sign-in') },
    {
      name: 'admin-users',
      hash: '#/admin/users',
      ready: (page) => page.getByText('Showing 1–20').waitFor(),
      then: async (page) => {
        await page.getByRole('row').filter({ hasText: 'alex.rivera@' }).getByRole('button', { name: 'Identities' }).click();
        await page.getByRole('heading', { name: 'SCIM identities' }).waitFor();
      },
    },
    { name: 'admin-audit-events', hash: '#/admin/audit-events', ready: (page) => page.getByText('Showing 1–20').waitFor() },
    { name: 'admin-scim-requests', hash: '#/admin/scim-requests', ready: heading('SCIM requests') },
  ];
}

describeInBrowser('UI: every page with demo data', () => {
  let ui: UiHarness;
  let seed: DemoSeed;

  beforeAll(async () => {
    // The public URL the demo uses, so the URLs shown in the screenshots are the ones a reader would see.
    ui = await startUi({ BASE_URL: 'http://localhost:3000' });
    seed = await seedDemo(new DemoHttp(ui.baseUrl), ADMIN_TOKEN);
  });
  afterAll(async () => ui?.close());

  it('the sign-in page renders cleanly at both widths', async () => {
    for (const viewport of [DESKTOP, PHONE]) {
      const { page, context, takeProblems } = await openPage(ui.browser, ui.baseUrl, viewport);
      await page.goto('/');
      await page.getByRole('heading', { name: 'Sign in to Roster' }).waitFor();
      const suffix = viewport === PHONE ? '-390' : '';
      await screenshot(page, `sign-in${suffix}`, [join(ARTIFACTS_DIR, 'pages'), ...(updateDocs && viewport === DESKTOP ? [DOCS_SCREENSHOTS_DIR] : [])]);
      expect(await horizontalOverflow(page)).toBe(0);
      expect(takeProblems()).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [] });
      await context.close();
    }
  });

  for (const viewport of [DESKTOP, PHONE]) {
    it(`every page at ${viewport.width} px: loads without console errors and without sideways scrolling`, async () => {
      const { page, context, takeProblems } = await openPage(ui.browser, ui.baseUrl, viewport);
      await signInThroughUi(page, ADMIN_TOKEN);
      const failures: string[] = [];
      for (const stop of tour(seed)) {
        await page.goto(`/${stop.hash}`);
        await stop.ready(page);
        await settled(page);
        await stop.then?.(page);
        await settled(page);
        const overflow = await horizontalOverflow(page);
        if (overflow > 0) failures.push(`${stop.name}: scrolls sideways by ${overflow} px`);
        const problems = takeProblems();
        if (problems.consoleErrors.length || problems.pageErrors.length || problems.dialogs.length) failures.push(`${stop.name}: ${JSON.stringify(problems)}`);
        const phone = viewport === PHONE;
        const name = `${stop.name}${phone ? '-390' : ''}`;
        await screenshot(page, name, [join(ARTIFACTS_DIR, 'pages')]);
        if (updateDocs && (!phone || stop.phoneDoc)) await screenshot(page, name, [DOCS_SCREENSHOTS_DIR], phone ? 1800 : 1300);
      }
      expect(failures).toEqual([]);
      await context.close();
    });
  }

  it('is keyboard operable with a visible focus ring: sign in, then reach a group’s SAML SSO page by Tab and Enter', async () => {
    const { page, context, takeProblems } = await openPage(ui.browser, ui.baseUrl);
    await page.goto('/');
    await page.getByRole('heading', { name: 'Sign in to Roster' }).waitFor();
    // The token field has the focus on arrival; Enter submits.
    await page.keyboard.type(ADMIN_TOKEN);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Groups', level: 1 }).waitFor();
    await settled(page);
    let reached = false;
    for (let i = 0; i < 30 && !reached; i += 1) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        const style = getComputedStyle(el);
        return { text: el.textContent?.trim() ?? '', outline: style.outlineStyle, width: parseFloat(style.outlineWidth) };
      });
      expect(focused.outline).not.toBe('none');
      expect(focused.width).toBeGreaterThanOrEqual(2);
      reached = focused.text === 'Acme Corporation';
    }
    expect(reached).toBe(true);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Service provider details' }).waitFor();
    expect(takeProblems()).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [] });
    await context.close();
  });
});
