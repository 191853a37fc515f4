import { jest } from '@jest/globals';
import type { Page } from 'playwright-core';
import { horizontalOverflow, openPage, SCREENSHOT_DIRS, screenshot, settled, signInThroughUi } from '../support/browser.js';
import { setUpGroup } from '../support/fixtures.js';
import type { GroupSetup } from '../support/fixtures.js';
import { addMember, createPerson } from '../support/admin-people.js';
import type { Person } from '../support/admin-people.js';
import { membership } from '../support/platform-users.js';
import { describeInBrowser, startUi, UiHarness } from './browser-suite.js';

jest.setTimeout(120_000);

/** An Owner changes roles, removes members (the last-Owner refusal shown), and keeps the verified domains. */
describeInBrowser('UI: an Owner manages members and verified domains', () => {
  let ui: UiHarness;
  let group: GroupSetup;
  let owner: Person;
  let dana: Person;
  let devon: Person;

  beforeAll(async () => {
    ui = await startUi();
    group = await setUpGroup(ui.t, 'acme');
    owner = await createPerson(ui.t, 'olive', { name: 'Olive Owner', email: 'olive@elsewhere.test' });
    dana = await createPerson(ui.t, 'dana', { name: 'Dana Developer', email: 'dana@elsewhere.test' });
    devon = await createPerson(ui.t, 'devon', { name: 'Devon Member', email: 'devon@acme-corp.test' });
    await addMember(ui.t, group.id, owner.id, 50);
    await addMember(ui.t, group.id, dana.id, 30);
    await addMember(ui.t, group.id, devon.id, 30);
  });
  afterAll(async () => ui?.close());

  const memberRow = (page: Page, email: string) => page.locator('.members-table tbody tr').filter({ hasText: email });

  it('changes a role, removes a member, and shows the last-Owner refusal inside the dialog', async () => {
    const { page, context, takeProblems } = await openPage(ui.browser, ui.baseUrl);
    await signInThroughUi(page, owner.token);
    await page.goto(`/#/groups/${group.id}/saml/members`);
    await settled(page);

    await page.getByRole('button', { name: 'Change the role of Dana Developer' }).click();
    let dialog = page.getByRole('dialog', { name: "Change Dana Developer's role" });
    await dialog.getByLabel('Role').selectOption({ label: 'Maintainer' });
    await dialog.getByRole('button', { name: 'Change role' }).click();
    await memberRow(page, dana.email).getByText('Maintainer', { exact: true }).waitFor();
    expect(await membership(ui.t, group.id, dana.id)).toBe(40);

    await page.getByRole('button', { name: 'Remove Dana Developer from the group' }).click();
    dialog = page.getByRole('dialog', { name: 'Remove Dana Developer from Group acme?' });
    await dialog.getByRole('button', { name: 'Remove member' }).click();
    await memberRow(page, dana.email).waitFor({ state: 'detached' });
    expect(await membership(ui.t, group.id, dana.id)).toBeNull();

    // Olive takes the group's creator out: she is now its only Owner, and may not leave it ownerless.
    await page.getByRole('button', { name: 'Remove Administrator from the group' }).click();
    await page.getByRole('dialog', { name: 'Remove Administrator from Group acme?' }).getByRole('button', { name: 'Remove member' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await settled(page);
    await page.getByRole('button', { name: 'Change the role of Olive Owner' }).click();
    dialog = page.getByRole('dialog', { name: "Change Olive Owner's role" });
    await dialog.getByLabel('Role').selectOption({ label: 'Developer' });
    await dialog.getByRole('button', { name: 'Change role' }).click();
    await dialog.getByRole('alert').getByText('Cannot demote last group owner', { exact: false }).waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    // The screenshot below without the confirmations piling up in the corner (each lasts 3.5 s).
    await page.waitForFunction(() => document.querySelectorAll('#toast .toast').length === 0);
    await page.getByRole('button', { name: 'Remove Olive Owner from the group' }).click();
    dialog = page.getByRole('dialog', { name: 'Remove Olive Owner from Group acme?' });
    await dialog.getByRole('button', { name: 'Remove member' }).click();
    await dialog.getByRole('alert').getByText('Cannot remove last group owner', { exact: false }).waitFor();
    expect(await horizontalOverflow(page)).toBe(0);
    await screenshot(page, 'group-members-actions', SCREENSHOT_DIRS);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await membership(ui.t, group.id, owner.id)).toBe(50);
    // The refusals are 412 answers the dialog shows: the page logs them as failed requests, nothing else.
    const problems = takeProblems();
    expect(problems.pageErrors).toEqual([]);
    expect(problems.dialogs).toEqual([]);
    expect(problems.consoleErrors.every((e) => e.includes('412'))).toBe(true);
    await context.close();
  });

  it('shows a Developer the members without any action', async () => {
    const { page, context, takeProblems } = await openPage(ui.browser, ui.baseUrl);
    await signInThroughUi(page, devon.token);
    await page.goto(`/#/groups/${group.id}/saml/members`);
    await settled(page);
    // Members who do not manage the group get GitLab's public fields: names, not emails.
    await memberRow(page, 'Devon Member').waitFor();
    await expect(page.getByRole('button', { name: /^(Change the role of|Remove .* from the group)/ }).count()).resolves.toBe(0);
    await expect(page.getByRole('link', { name: 'Verified domains' }).count()).resolves.toBe(0);
    expect(takeProblems()).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [] });
    await context.close();
  });

  it('adds a verified domain, the Enterprise badge appears on Members; removing it takes the badge away', async () => {
    const { page, context, takeProblems } = await openPage(ui.browser, ui.baseUrl);
    await signInThroughUi(page, owner.token);
    await page.goto(`/#/groups/${group.id}/saml/members`);
    await settled(page);
    await expect(memberRow(page, devon.email).getByText('Enterprise', { exact: true }).count()).resolves.toBe(0);

    await page.getByRole('link', { name: 'Verified domains' }).click();
    await page.getByRole('heading', { name: 'Verified domains', level: 2 }).waitFor();
    await page.getByRole('textbox', { name: 'Domain' }).fill('not a domain');
    await page.getByRole('button', { name: 'Add domain' }).click();
    await page.getByText('"not a domain" is not a domain name').waitFor();
    await page.getByRole('textbox', { name: 'Domain' }).fill('ACME-corp.test');
    await page.getByRole('button', { name: 'Add domain' }).click();
    await page.locator('.domains-table').getByText('acme-corp.test', { exact: true }).waitFor();
    expect(await ui.t.sql('SELECT verified_domains FROM groups WHERE id = ?', [group.id])).toEqual([{ verified_domains: '["acme-corp.test"]' }]);
    await page.waitForFunction(() => document.querySelectorAll('#toast .toast').length === 0);
    await screenshot(page, 'group-verified-domains', SCREENSHOT_DIRS);

    await page.getByRole('link', { name: 'Members' }).click();
    await settled(page);
    await memberRow(page, devon.email).getByText('Enterprise', { exact: true }).waitFor();
    await expect(memberRow(page, owner.email).getByText('Enterprise', { exact: true }).count()).resolves.toBe(0);

    await page.getByRole('link', { name: 'Verified domains' }).click();
    await page.getByRole('button', { name: 'Remove the verified domain acme-corp.test' }).click();
    await page.getByRole('dialog', { name: 'Remove the verified domain acme-corp.test?' }).getByRole('button', { name: 'Remove domain' }).click();
    await page.getByText('No verified domains', { exact: false }).waitFor();
    await page.getByRole('link', { name: 'Members' }).click();
    await settled(page);
    await memberRow(page, devon.email).waitFor();
    await expect(memberRow(page, devon.email).getByText('Enterprise', { exact: true }).count()).resolves.toBe(0);
    const problems = takeProblems();
    // The bad domain is a 400 the form shows under its field.
    expect(problems.pageErrors).toEqual([]);
    expect(problems.consoleErrors.every((e) => e.includes('400'))).toBe(true);
    await context.close();
  });
});
