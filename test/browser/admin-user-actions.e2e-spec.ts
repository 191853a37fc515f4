import { jest } from '@jest/globals';
import { SCREENSHOT_DIRS, openPage, screenshot, settled, signInThroughUi } from '../support/browser.js';
import { auth, setUpGroup } from '../support/fixtures.js';
import type { GroupSetup } from '../support/fixtures.js';
import { createPerson } from '../support/admin-people.js';
import { ADMIN_TOKEN } from '../support/test-app.js';
import { describeInBrowser, startUi, UiHarness } from './browser-suite.js';

jest.setTimeout(120_000);

describeInBrowser('UI: an admin acts on an account', () => {
  let ui: UiHarness;
  let group: GroupSetup;

  beforeAll(async () => {
    ui = await startUi();
    group = await setUpGroup(ui.t, 'acme');
  });
  afterAll(async () => ui?.close());

  it('blocks and unblocks, fixes and removes a SAML identity, issues a scoped token shown once and revokes it', async () => {
    const person = await createPerson(ui.t, 'casey', { name: 'Casey Admin-Target' });
    const { page, context, takeProblems } = await openPage(ui.browser, ui.baseUrl);
    await signInThroughUi(page, ADMIN_TOKEN);
    await page.goto(`/#/admin/users`);
    await settled(page);
    await page.getByLabel('Search users').fill(person.username);
    await page.keyboard.press('Enter');
    const row = page.getByRole('row').filter({ hasText: person.email }).first();
    await row.getByRole('button', { name: 'Identities and tokens' }).click();
    const panel = page.locator('.identity-detail');
    await panel.getByRole('button', { name: 'Block' }).waitFor();

    // Block, then unblock.
    await panel.getByRole('button', { name: 'Block' }).click();
    await page.getByRole('dialog', { name: 'Block Casey Admin-Target?' }).getByRole('button', { name: 'Block' }).click();
    await page.getByRole('row').filter({ hasText: person.email }).first().getByText('Blocked').waitFor();
    expect(await ui.t.sql('SELECT state FROM users WHERE id = ?', [person.id])).toEqual([{ state: 'blocked' }]);
    await ui.t.http().get('/api/v4/user').set(auth(person.token)).expect(401);
    await page.getByRole('row').filter({ hasText: person.email }).first().getByRole('button', { name: 'Identities and tokens' }).click();
    await panel.getByRole('button', { name: 'Unblock' }).click();
    await page.getByRole('dialog', { name: 'Unblock Casey Admin-Target?' }).getByRole('button', { name: 'Unblock' }).click();
    await page.getByRole('row').filter({ hasText: person.email }).first().getByText('Active').waitFor();
    await ui.t.http().get('/api/v4/user').set(auth(person.token)).expect(200);

    // Add a SAML identity in the group, change it, remove it.
    await page.getByRole('row').filter({ hasText: person.email }).first().getByRole('button', { name: 'Identities and tokens' }).click();
    await panel.getByRole('button', { name: 'Add SAML identity' }).click();
    let dialog = page.getByRole('dialog', { name: 'Add a SAML identity for Casey Admin-Target' });
    await dialog.getByLabel('Scope').selectOption({ label: 'Group acme' });
    await dialog.getByLabel(/extern_uid/).fill('casey-at-idp');
    await dialog.getByRole('button', { name: 'Add' }).click();
    await panel.getByText('casey-at-idp').waitFor();
    expect(await ui.t.sql('SELECT group_id, extern_uid FROM saml_identities WHERE user_id = ?', [person.id])).toEqual([{ group_id: group.id, extern_uid: 'casey-at-idp' }]);
    await panel.getByRole('button', { name: 'Change the SAML identity casey-at-idp' }).click();
    dialog = page.getByRole('dialog', { name: "Change Casey Admin-Target's SAML identity" });
    await dialog.getByLabel(/extern_uid/).fill('casey-moved');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await panel.getByText('casey-moved').waitFor();
    await panel.getByRole('button', { name: 'Remove the SAML identity casey-moved' }).click();
    await page
      .getByRole('dialog', { name: /Remove Casey Admin-Target's SAML identity/ })
      .getByRole('button', { name: 'Remove' })
      .click();
    await panel.getByText('No SAML identities.').waitFor();
    expect(await ui.t.sql('SELECT extern_uid FROM saml_identities WHERE user_id = ?', [person.id])).toEqual([]);

    // Issue a read-only token: shown once, it reads and cannot write; then revoke it.
    await panel.getByRole('button', { name: 'Issue personal access token' }).click();
    dialog = page.getByRole('dialog', { name: 'Issue a personal access token for Casey Admin-Target' });
    await dialog.getByLabel('Token name').fill('reporting');
    await dialog.getByLabel(/^api/).uncheck();
    await dialog.getByLabel(/^read_api/).check();
    await dialog.getByRole('button', { name: 'Issue token' }).click();
    const shown = page.getByRole('dialog', { name: 'Copy the new token now' });
    const secret = await shown.locator('textarea').inputValue();
    expect(secret).toMatch(/^roster_pat_/);
    await screenshot(page, 'admin-users-token-issued', SCREENSHOT_DIRS);
    await shown.getByRole('button', { name: 'Done' }).click();
    await ui.t.http().get(`/api/v4/groups/${group.id}/members`).set(auth(secret)).expect(404);
    await ui.t.http().get('/api/v4/user').set(auth(secret)).expect(200);
    await ui.t.http().post('/api/v4/groups').set(auth(secret)).send({ name: 'x', path: 'x' }).expect(403);
    const tokenRow = panel.getByRole('row').filter({ hasText: 'reporting' });
    await tokenRow.getByText('read_api').waitFor();
    // The screenshot without the confirmations that pile up in the corner (each lasts 3.5 s).
    await page.locator('#toast .toast').first().waitFor({ state: 'detached' });
    await page.waitForFunction(() => document.querySelectorAll('#toast .toast').length === 0);
    await screenshot(page, 'admin-users-actions', SCREENSHOT_DIRS);
    await tokenRow.getByRole('button', { name: 'Revoke the token reporting' }).click();
    await page.getByRole('dialog', { name: 'Revoke the token "reporting"?' }).getByRole('button', { name: 'Revoke' }).click();
    await tokenRow.getByText('Revoked').waitFor();
    await ui.t.http().get('/api/v4/user').set(auth(secret)).expect(401);
    // The page never shows the secret again.
    expect(await page.content()).not.toContain(secret);
    expect(takeProblems()).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [] });
    await context.close();
  });
});
