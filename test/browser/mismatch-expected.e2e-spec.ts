import { jest } from '@jest/globals';
import { openPage, settled, signInThroughUi } from '../support/browser.js';
import { setUpGroup } from '../support/fixtures.js';
import type { GroupSetup } from '../support/fixtures.js';
import { createAccount, provision } from '../support/saml-fixtures.js';
import { ADMIN_TOKEN } from '../support/test-app.js';
import { describeInBrowser, startUi, UiHarness } from './browser-suite.js';

jest.setTimeout(90_000);

describeInBrowser('UI: who the identity-mismatch report counts', () => {
  let ui: UiHarness;
  let group: GroupSetup;

  beforeAll(async () => {
    ui = await startUi();
    group = await setUpGroup(ui.t, 'counted');
  });
  afterAll(async () => ui?.close());

  it('a new group shows no problem for its admin creator; an Owner marks a break-glass account as expected', async () => {
    const { page, context, takeProblems } = await openPage(ui.browser, ui.baseUrl);
    await signInThroughUi(page, ADMIN_TOKEN);
    await page.goto(`/#/groups/${group.id}/saml/members`);
    await settled(page);
    // The creator is an instance admin without SAML: expected, so no flag and no count on the tab.
    await page.getByRole('row').filter({ hasText: 'root' }).waitFor();
    await expect(page.locator('.problem-link').count()).resolves.toBe(0);
    await expect(page.locator('.tab-count:not([hidden])').count()).resolves.toBe(0);

    // A linked account that will never sign in with SAML.
    const email = 'breakglass@acme.example';
    await createAccount(ui.t, { username: 'breakglass', email, name: 'Break Glass' });
    await provision(ui.t, group, { userName: email, emails: [{ primary: true, value: email, type: 'work' }] });
    await page.goto(`/#/groups/${group.id}/saml/mismatches`);
    await settled(page);
    const row = page.getByRole('row').filter({ hasText: email });
    await row.getByText('Not linked to a SAML account', { exact: true }).waitFor();
    await page.locator('.tab-count:not([hidden])').getByText('1').waitFor();
    await row.getByRole('button', { name: 'Mark Break Glass as not using SAML' }).click();
    const dialog = page.getByRole('dialog', { name: 'Mark Break Glass as not using SAML?' });
    await dialog.getByRole('button', { name: 'Mark as expected' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByText('No identity problems', { exact: false }).waitFor();
    await expect(page.locator('.tab-count:not([hidden])').count()).resolves.toBe(0);

    const events = await ui.t.sql<{ event_name: string }>("SELECT event_name FROM audit_events WHERE group_id = ? AND event_name = 'identity_mismatch_marked_expected'", [group.id]);
    expect(events).toHaveLength(1);
    await page.goto(`/#/groups/${group.id}/saml/members`);
    await settled(page);
    await page.getByRole('row').filter({ hasText: email }).waitFor();
    await expect(page.locator('.problem-link').count()).resolves.toBe(0);
    expect(takeProblems()).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [] });
    await context.close();
  });
});
