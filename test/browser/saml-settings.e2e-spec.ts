import { jest } from '@jest/globals';
import { openPage, settled, signInThroughUi } from '../support/browser.js';
import { setUpGroup } from '../support/fixtures.js';
import type { GroupSetup } from '../support/fixtures.js';
import { ADMIN_TOKEN } from '../support/test-app.js';
import { describeInBrowser, startUi, UiHarness } from './browser-suite.js';

jest.setTimeout(90_000);

describeInBrowser('UI: SAML provider settings of issue 14', () => {
  let ui: UiHarness;
  let group: GroupSetup;

  beforeAll(async () => {
    ui = await startUi();
    group = await setUpGroup(ui.t, 'acme');
  });
  afterAll(async () => ui?.close());

  it('an owner sets the IdP entity id and "responses must sign the assertion"; both are stored and the metadata says WantAssertionsSigned="true"', async () => {
    const { page, context, takeProblems } = await openPage(ui.browser, ui.baseUrl);
    await signInThroughUi(page, ADMIN_TOKEN);
    await page.goto(`/#/groups/${group.id}/saml/configuration`);
    await settled(page);
    expect(await page.getByLabel('Responses must sign the assertion').isChecked()).toBe(false);
    await page.getByLabel('Identity provider entity ID (optional)').fill('http://www.okta.com/exk1fcia6d6EMsf9Z0h7');
    await page.getByLabel('Responses must sign the assertion').check();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Saved. Sign-ins use the new settings from now on.').waitFor();
    const rows = await ui.t.sql<{ idp_entity_id: string; want_assertions_signed: unknown }>('SELECT idp_entity_id, want_assertions_signed FROM saml_providers WHERE group_id = ?', [group.id]);
    expect(rows.map((r) => [r.idp_entity_id, Boolean(r.want_assertions_signed)])).toEqual([['http://www.okta.com/exk1fcia6d6EMsf9Z0h7', true]]);
    expect((await ui.t.http().get('/groups/acme/-/saml/metadata').expect(200)).text).toContain('WantAssertionsSigned="true"');

    // Reloaded, the form shows what is stored.
    await page.reload();
    await settled(page);
    expect(await page.getByLabel('Identity provider entity ID (optional)').inputValue()).toBe('http://www.okta.com/exk1fcia6d6EMsf9Z0h7');
    expect(await page.getByLabel('Responses must sign the assertion').isChecked()).toBe(true);
    expect(takeProblems()).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [] });
    await context.close();
  });
});
