import { jest } from '@jest/globals';
import { openPage, screenshot, settled, signInThroughUi } from '../support/browser.js';
import { adminAuth, auth, IDP_CERT, IDP_SSO_URL } from '../support/fixtures.js';
import { ADMIN_TOKEN } from '../support/test-app.js';
import { describeInBrowser, startUi, UiHarness } from './browser-suite.js';

jest.setTimeout(90_000);

describeInBrowser('UI: the SCIM token on the SAML SSO page', () => {
  let ui: UiHarness;
  let groupId: number;

  beforeAll(async () => {
    ui = await startUi();
    groupId = (await ui.t.http().post('/api/v4/groups').set(adminAuth).send({ name: 'Acme', path: 'acme' }).expect(201)).body.id;
    // The SCIM API of a group answers only once the group's SAML SSO is configured.
    await ui.t.http().put(`/api/v4/groups/${groupId}/saml_provider`).set(adminAuth).send({ enabled: true, sso_url: IDP_SSO_URL, certificate: IDP_CERT }).expect(200);
  });
  afterAll(async () => ui?.close());

  const scimStatus = async (token: string) => (await ui.t.http().get('/api/scim/v2/groups/acme/Users').set(auth(token))).status;

  it('generates a token once, then resets it behind a confirmation; the old token stops working at once', async () => {
    const { page, context, takeProblems } = await openPage(ui.browser, ui.baseUrl);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: ui.baseUrl });
    await signInThroughUi(page, ADMIN_TOKEN);
    await page.goto(`/#/groups/${groupId}/saml/scim-token`);
    await settled(page);
    expect(await page.locator('[data-copy="scim_api_url"]').inputValue()).toBe('http://roster.test/api/scim/v2/groups/acme');
    await expect(page.getByRole('button', { name: 'Reset SCIM token' }).count()).resolves.toBe(0);

    await page.getByRole('button', { name: 'Generate a SCIM token' }).click();
    const tokenField = page.locator('[data-copy="scim_token"]');
    await tokenField.waitFor();
    const first = await tokenField.inputValue();
    expect(first).toMatch(/^roster_scim_/);
    await page.getByText('you won’t be able to see it again').waitFor();
    await page.getByRole('button', { name: 'Copy SCIM token' }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(first);
    await screenshot(page, 'scim-token-generated');
    expect(await scimStatus(first)).toBe(200);

    // Cancelling the confirmation changes nothing.
    await page.getByRole('button', { name: 'Reset SCIM token' }).click();
    const dialog = page.getByRole('dialog', { name: 'Reset the SCIM token?' });
    await dialog.getByText('Provisioning stops until your identity provider gets the new token').waitFor();
    await screenshot(page, 'scim-token-reset-confirmation');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await scimStatus(first)).toBe(200);

    await page.getByRole('button', { name: 'Reset SCIM token' }).click();
    await dialog.getByRole('button', { name: 'Reset SCIM token' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.waitForFunction((old) => (document.querySelector('[data-copy="scim_token"]') as HTMLInputElement | null)?.value !== old, first);
    const second = await tokenField.inputValue();
    expect(second).toMatch(/^roster_scim_/);
    expect(second).not.toBe(first);
    expect(await scimStatus(first)).toBe(401);
    expect(await scimStatus(second)).toBe(200);
    // The secret is not kept anywhere the page could show it again.
    const stored = await ui.t.sql<{ token_digest: string }>('SELECT token_digest FROM scim_tokens WHERE revoked_at IS NULL');
    expect(stored).toHaveLength(1);
    expect(stored[0].token_digest).not.toContain(second);
    await page.reload();
    await settled(page);
    await expect(page.locator('[data-copy="scim_token"]').count()).resolves.toBe(0);
    expect(await page.content()).not.toContain(second);

    expect(takeProblems()).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [] });
    await context.close();
  });

  it('the reset dialog is keyboard operable: Escape cancels and Cancel has the focus', async () => {
    const { page, context } = await openPage(ui.browser, ui.baseUrl);
    await signInThroughUi(page, ADMIN_TOKEN);
    await page.goto(`/#/groups/${groupId}/saml/scim-token`);
    await settled(page);
    const before = await ui.t.sql('SELECT id FROM scim_tokens');
    await page.getByRole('button', { name: 'Reset SCIM token' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Reset the SCIM token?' });
    await dialog.waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await ui.t.sql('SELECT id FROM scim_tokens')).toEqual(before);
    await context.close();
  });
});
