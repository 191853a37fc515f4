import { jest } from '@jest/globals';
import { SCREENSHOT_DIRS, openPage, screenshot, settled, signInThroughUi } from '../support/browser.js';
import { adminAuth, auth, oktaUser, SCIM_JSON, setUpGroup } from '../support/fixtures.js';
import type { GroupSetup } from '../support/fixtures.js';
import { ADMIN_TOKEN } from '../support/test-app.js';
import { describeInBrowser, startUi, UiHarness } from './browser-suite.js';

jest.setTimeout(90_000);

describeInBrowser('UI: group sync (Group links, SCIM groups, role sources in Members)', () => {
  let ui: UiHarness;
  let group: GroupSetup;
  const people: { externalId: string; email: string }[] = [];

  beforeAll(async () => {
    ui = await startUi();
    group = await setUpGroup(ui.t, 'acme-sync');
    for (let i = 0; i < 3; i += 1) {
      const doc = oktaUser();
      await ui.t.http().post(`${group.base}/Users`).set(auth(group.scimToken)).set('Content-Type', SCIM_JSON).send(JSON.stringify(doc)).expect(201);
      people.push({ externalId: doc.externalId, email: doc.userName });
    }
    await ui.t.http().post(`/api/v4/groups/${group.id}/saml_group_links`).set(adminAuth).send({ saml_group_name: 'Engineering', access_level: 30 }).expect(201);
    await ui.t
      .http()
      .post(`${group.base}/Groups`)
      .set(auth(group.scimToken))
      .set('Content-Type', SCIM_JSON)
      .send(JSON.stringify({ displayName: 'Engineering', members: people.slice(0, 2).map((p) => ({ value: p.externalId })) }))
      .expect(201);
    await ui.t
      .http()
      .post(`${group.base}/Groups`)
      .set(auth(group.scimToken))
      .set('Content-Type', SCIM_JSON)
      .send(JSON.stringify({ displayName: 'Marketing', members: [{ value: people[2].externalId }] }))
      .expect(201);
  });
  afterAll(async () => ui?.close());

  it('Group links tab: lists links, adds one (the role changes on the server) and removes it', async () => {
    const { page, context, takeProblems } = await openPage(ui.browser, ui.baseUrl);
    await signInThroughUi(page, ADMIN_TOKEN);
    await page.goto(`/#/groups/${group.id}/saml/group-links`);
    await settled(page);
    const engineering = page.getByRole('row').filter({ hasText: 'Engineering' });
    await expect(engineering.getByText('Developer', { exact: true }).count()).resolves.toBe(1);

    await page.getByLabel('IdP group name').fill('Marketing');
    await page.getByLabel('Role').selectOption('40');
    await page.getByRole('button', { name: 'Add link' }).click();
    await page.getByRole('row').filter({ hasText: 'Marketing' }).waitFor();
    const links = await ui.t.http().get(`/api/v4/groups/${group.id}/saml_group_links`).set(adminAuth).expect(200);
    expect(links.body).toEqual([
      { name: 'Engineering', access_level: 30 },
      { name: 'Marketing', access_level: 40 },
    ]);
    const member = await ui.t.http().get(`/api/v4/groups/${group.id}/members`).query({ search: people[2].email }).set(adminAuth).expect(200);
    expect(member.body[0]).toMatchObject({ access_level: 40, role_source: 'group_sync', group_sync_links: ['Marketing'] });
    await screenshot(page, 'group-links', SCREENSHOT_DIRS);

    await page.getByRole('button', { name: 'Remove the link for Marketing' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove link' }).click();
    await page.getByRole('row').filter({ hasText: 'Marketing' }).waitFor({ state: 'detached' });
    const after = await ui.t.http().get(`/api/v4/groups/${group.id}/members`).query({ search: people[2].email }).set(adminAuth).expect(200);
    expect(after.body[0]).toMatchObject({ access_level: 10, role_source: 'scim_provisioning' });
    expect(takeProblems()).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [] });

    // A duplicate is refused under the field (the browser logs the 400 answer, nothing else).
    await page.getByLabel('IdP group name').fill('Engineering');
    await page.getByRole('button', { name: 'Add link' }).click();
    await page.getByText('has already been taken').waitFor();
    const problems = takeProblems();
    expect(problems.pageErrors).toEqual([]);
    expect(problems.consoleErrors).toEqual([expect.stringMatching(/status of 400 .*\/saml_group_links\)$/)]);
    await context.close();
  });

  it('SCIM groups view: pushed groups with member counts and the links they hit', async () => {
    const { page, context, takeProblems } = await openPage(ui.browser, ui.baseUrl);
    await signInThroughUi(page, ADMIN_TOKEN);
    await page.goto(`/#/groups/${group.id}/saml/scim-groups`);
    await settled(page);
    const engineering = page.getByRole('row').filter({ hasText: 'Engineering' });
    await expect(engineering.locator('td').nth(1).textContent()).resolves.toBe('2');
    await expect(engineering.getByText('Developer via').count()).resolves.toBe(1);
    await expect(page.getByRole('row').filter({ hasText: 'Marketing' }).getByText('No link').count()).resolves.toBe(1);
    await screenshot(page, 'scim-groups', SCREENSHOT_DIRS);
    expect(takeProblems()).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [] });
    await context.close();
  });

  it('Members: each role says where it comes from ("Developer — via Engineering")', async () => {
    const { page, context, takeProblems } = await openPage(ui.browser, ui.baseUrl);
    await signInThroughUi(page, ADMIN_TOKEN);
    await page.goto(`/#/groups/${group.id}/saml/members`);
    await settled(page);
    for (const p of people.slice(0, 2)) {
      const row = page.getByRole('row').filter({ hasText: p.email });
      await expect(row.locator('.role-source').first().textContent()).resolves.toContain('Developer — via Engineering');
    }
    const third = page.getByRole('row').filter({ hasText: people[2].email });
    await expect(third.getByText('SCIM default role').count()).resolves.toBe(1);
    await screenshot(page, 'members-role-sources', SCREENSHOT_DIRS, 1300);
    expect(takeProblems()).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [] });
    await context.close();
  });
});
