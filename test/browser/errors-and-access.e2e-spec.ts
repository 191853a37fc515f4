import { jest } from '@jest/globals';
import { openPage, screenshot, settled, signInThroughUi } from '../support/browser.js';
import { addMember, createPerson } from '../support/admin-people.js';
import { setUpGroup } from '../support/fixtures.js';
import type { GroupSetup } from '../support/fixtures.js';
import { ADMIN_TOKEN } from '../support/test-app.js';
import { describeInBrowser, startUi, UiHarness } from './browser-suite.js';

jest.setTimeout(90_000);

describeInBrowser('UI: API errors next to their cause, and who may see what', () => {
  let ui: UiHarness;
  let group: GroupSetup;

  beforeAll(async () => {
    ui = await startUi();
    group = await setUpGroup(ui.t, 'acme');
  });
  afterAll(async () => ui?.close());

  it('a taken group path is reported under the path field and nothing is created', async () => {
    const { page, context } = await openPage(ui.browser, ui.baseUrl);
    await signInThroughUi(page, ADMIN_TOKEN);
    await page.getByRole('button', { name: 'New group' }).click();
    await page.getByLabel('Group name').fill('Acme again');
    await page.getByLabel('Group path').fill('acme');
    await page.getByRole('button', { name: 'Create group' }).click();
    const path = page.getByLabel('Group path');
    await page.getByText('Path has already been taken.').waitFor();
    expect(await path.getAttribute('aria-invalid')).toBe('true');
    // The message is tied to the field for assistive technology.
    const describedBy = (await path.getAttribute('aria-describedby')) ?? '';
    expect(await page.locator(`[id="${describedBy.split(' ').pop()}"]`).textContent()).toBe('Path has already been taken.');
    expect(await ui.t.sql('SELECT id FROM groups')).toHaveLength(1);
    await context.close();
  });

  it('an invalid certificate is reported under the certificate field and the settings stay as they were', async () => {
    const before = await ui.t.sql('SELECT certificate, sso_url FROM saml_providers WHERE group_id = ?', [group.id]);
    const { page, context } = await openPage(ui.browser, ui.baseUrl);
    await signInThroughUi(page, ADMIN_TOKEN);
    await page.goto(`/#/groups/${group.id}/saml/configuration`);
    await settled(page);
    await page.getByLabel('Identity provider signing certificate').fill('not a certificate');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Certificate must be a PEM-encoded X.509 certificate').waitFor();
    expect(await page.getByLabel('Identity provider signing certificate').getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'saml-configuration-error');
    expect(await ui.t.sql('SELECT certificate, sso_url FROM saml_providers WHERE group_id = ?', [group.id])).toEqual(before);
    await context.close();
  });

  it('a member who is not an Owner lands on the members, with no Owner-only tab and no refused request', async () => {
    const person = await createPerson(ui.t, 'dev', { name: 'Devon Member' });
    await addMember(ui.t, group.id, person.id, 30);
    const { page, context, takeProblems } = await openPage(ui.browser, ui.baseUrl);
    await signInThroughUi(page, person.token);
    await expect(page.getByRole('link', { name: 'Admin area' }).count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: 'New group' }).count()).resolves.toBe(0);
    await page.getByRole('link', { name: 'Group acme' }).click();
    await page.waitForURL(/\/saml\/members$/);
    await settled(page);
    await page.getByRole('row').filter({ hasText: 'Devon Member' }).waitFor();
    await expect(page.getByRole('link', { name: 'Configuration' }).count()).resolves.toBe(0);
    // Chromium logs every refused request as a console error: there must be none.
    expect(takeProblems()).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [] });
    await context.close();
  });

  it('when the session ends, the next action leads to the sign-in page with an explanation, then back', async () => {
    const { page, context } = await openPage(ui.browser, ui.baseUrl);
    await signInThroughUi(page, ADMIN_TOKEN);
    await page.goto(`/#/groups/${group.id}/saml/members`);
    await settled(page);
    await ui.t.sql('DELETE FROM sessions');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('Your session has ended. Sign in again to continue.').waitFor();
    await page.getByLabel('Personal access token').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(new RegExp(`#/groups/${group.id}/saml/members$`));
    await page.getByRole('heading', { name: 'Members' }).waitFor();
    await context.close();
  });
});
