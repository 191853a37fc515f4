import { jest } from '@jest/globals';
import { openPage, settled, signInThroughUi } from '../support/browser.js';
import { setUpGroup } from '../support/fixtures.js';
import type { GroupSetup } from '../support/fixtures.js';
import { addMember, createPerson, provision } from '../support/admin-people.js';
import { ADMIN_TOKEN } from '../support/test-app.js';
import { describeInBrowser, startUi, UiHarness } from './browser-suite.js';

jest.setTimeout(120_000);

/**
 * Each role sees the tabs and columns it may use, and nothing in normal use asks the API for what
 * it would refuse: every page visit below ends with zero console errors and zero 4xx answers.
 */
describeInBrowser('UI: what Developer, Maintainer, Owner and admin each see', () => {
  let ui: UiHarness;
  let group: GroupSetup;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    ui = await startUi();
    group = await setUpGroup(ui.t, 'roles');
    await provision(ui.t, group, { externalId: 'roles-provisioned-1' });
    for (const [role, level] of [
      ['Developer', 30],
      ['Maintainer', 40],
      ['Owner', 50],
    ] as const) {
      const person = await createPerson(ui.t, `roles-${role.toLowerCase()}`);
      await addMember(ui.t, group.id, person.id, level);
      tokens[role] = person.token;
    }
    tokens.admin = ADMIN_TOKEN;
  });
  afterAll(async () => ui?.close());

  const MANAGER_SECTIONS = ['Configuration', 'SCIM token', 'Group links', 'SCIM groups', 'Members', 'Verified domains', 'Identity mismatches', 'Troubleshoot sign-in', 'Link invitations'];
  const expected: Record<string, { tabs: string[]; sections: string[]; identityColumns: boolean }> = {
    Developer: { tabs: ['SAML SSO'], sections: ['Members'], identityColumns: false },
    Maintainer: { tabs: ['SAML SSO'], sections: ['Members'], identityColumns: false },
    Owner: { tabs: ['SAML SSO', 'Audit events', 'SCIM requests'], sections: MANAGER_SECTIONS, identityColumns: true },
    admin: { tabs: ['SAML SSO', 'Audit events', 'SCIM requests'], sections: MANAGER_SECTIONS, identityColumns: true },
  };

  it.each(Object.keys(expected))('%s', async (role) => {
    const { page, context, takeProblems } = await openPage(ui.browser, ui.baseUrl);
    const refused: string[] = [];
    page.on('response', (response) => {
      if (response.status() >= 400) refused.push(`${response.status()} ${response.request().method()} ${response.url()}`);
    });
    await signInThroughUi(page, tokens[role]);
    // The groups list links to the group; its default section is what this role may open.
    await page.getByRole('link', { name: 'Group roles' }).click();
    await settled(page);
    const want = expected[role];
    const tabTexts = async (label: string) => (await page.getByRole('navigation', { name: label }).getByRole('link').allInnerTexts()).map((t) => t.replace(/\s*\d+$/, '').trim());
    expect(await tabTexts('Group pages')).toEqual(want.tabs);
    expect(await tabTexts('SAML SSO sections')).toEqual(want.sections);
    expect(page.url()).toMatch(want.identityColumns ? /\/saml\/configuration$/ : /\/saml\/members$/);

    await page.getByRole('navigation', { name: 'SAML SSO sections' }).getByRole('link', { name: 'Members' }).click();
    await page.getByRole('table', { name: 'Members' }).waitFor();
    await settled(page);
    const headers = (await page.getByRole('columnheader').allTextContents()).map((h) => h.trim());
    expect(headers.includes('SCIM externalId')).toBe(want.identityColumns);
    expect(headers).toEqual(expect.arrayContaining(['Member', 'Role', 'State']));

    // A typed address to an Owners-only page: a notice, not a 403.
    await page.goto(`/#/groups/${group.id}/audit-events`);
    await settled(page);
    if (!want.identityColumns) await page.getByText("The group's audit events are shown to its Owners and to admins.").waitFor();
    else await page.getByRole('table').first().waitFor();

    expect({ role, refused, ...takeProblems() }).toEqual({ role, refused: [], consoleErrors: [], pageErrors: [], dialogs: [] });
    await context.close();
  });
});
