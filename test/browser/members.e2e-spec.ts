import { jest } from '@jest/globals';
import { horizontalOverflow, openPage, PHONE, screenshot, settled, signInThroughUi } from '../support/browser.js';
import { adminAuth, auth, oktaUser, SCIM_JSON, setUpGroup } from '../support/fixtures.js';
import type { GroupSetup } from '../support/fixtures.js';
import { ADMIN_TOKEN } from '../support/test-app.js';
import { describeInBrowser, startUi, UiHarness } from './browser-suite.js';

jest.setTimeout(90_000);

const XSS_NAME = '<img src=x onerror=alert(1)>';

/** Entra ID's create body (core + enterprise schemas, GUID externalId). */
function entraUser(n: number) {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
    externalId: `5d3c1a2b-0000-4000-a000-00000000000${n}`,
    userName: `entra${n}@acme.example`,
    active: true,
    displayName: `Entra Person${n}`,
    emails: [{ primary: true, type: 'work', value: `entra${n}@acme.example` }],
    meta: { resourceType: 'User' },
    name: { formatted: `Entra Person${n}`, familyName: `Person${n}`, givenName: 'Entra' },
    roles: [],
  };
}

describeInBrowser('UI: the members view', () => {
  let ui: UiHarness;
  let group: GroupSetup;
  const provisioned: { externalId: string; email: string }[] = [];

  const create = async (doc: Record<string, unknown>) => {
    const res = await ui.t.http().post(`${group.base}/Users`).set(auth(group.scimToken)).set('Content-Type', SCIM_JSON).send(JSON.stringify(doc));
    expect(res.status).toBe(201);
    return res.body;
  };

  beforeAll(async () => {
    ui = await startUi();
    group = await setUpGroup(ui.t, 'acme');
    for (let i = 0; i < 3; i += 1) {
      const doc = oktaUser();
      await create(doc);
      provisioned.push({ externalId: doc.externalId, email: doc.userName });
    }
    for (let i = 1; i <= 2; i += 1) {
      const doc = entraUser(i);
      await create(doc);
      provisioned.push({ externalId: doc.externalId, email: doc.userName });
    }
    await create(oktaUser({ displayName: XSS_NAME, name: { givenName: '<img src=x', familyName: 'onerror=alert(1)>' }, externalId: 'xss-1' }));
  });
  afterAll(async () => ui?.close());

  it('shows each SCIM-provisioned member with the stored externalId, the SAML extern_uid and the Enterprise badge', async () => {
    const { page, context, takeProblems } = await openPage(ui.browser, ui.baseUrl);
    await signInThroughUi(page, ADMIN_TOKEN);
    await page.goto(`/#/groups/${group.id}/saml/members`);
    await settled(page);
    for (const p of provisioned) {
      const row = page.getByRole('row').filter({ hasText: p.email });
      await expect(row.count()).resolves.toBe(1);
      // The externalId appears twice: as the SCIM externalId and as the SAML identity's extern_uid.
      await expect(row.locator('code', { hasText: p.externalId }).count()).resolves.toBe(2);
      await expect(row.getByText('Enterprise', { exact: true }).count()).resolves.toBe(1);
    }
    await screenshot(page, 'members');
    expect(takeProblems()).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [] });
    await context.close();
  });

  it('shows a member named like an HTML tag as plain text and runs nothing', async () => {
    const { page, context, takeProblems } = await openPage(ui.browser, ui.baseUrl);
    await signInThroughUi(page, ADMIN_TOKEN);
    const stored = await ui.t.http().get(`/api/v4/groups/${group.id}/members`).query({ per_page: 100 }).set(adminAuth).expect(200);
    const name = stored.body.find((m: { scim_identity: { extern_uid: string } | null }) => m.scim_identity?.extern_uid === 'xss-1').name as string;
    expect(name).toContain('<img src=x');
    await page.goto(`/#/groups/${group.id}/saml/members`);
    await settled(page);
    await page.getByText(name, { exact: true }).waitFor();
    await expect(page.locator('main img').count()).resolves.toBe(0);
    // The admin area's user list shows it as text too.
    await page.goto('/#/admin/users');
    await settled(page);
    await page.getByText(name, { exact: true }).waitFor();
    await expect(page.locator('main img').count()).resolves.toBe(0);
    expect(takeProblems()).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [] });
    await context.close();
  });

  it('searches on the server and pages through a long list', async () => {
    for (let i = 0; i < 20; i += 1) await create(oktaUser());
    const { page, context, takeProblems } = await openPage(ui.browser, ui.baseUrl);
    await signInThroughUi(page, ADMIN_TOKEN);
    await page.goto(`/#/groups/${group.id}/saml/members`);
    await settled(page);
    const total = Number((await ui.t.sql<{ n: number }>('SELECT COUNT(*) AS n FROM members WHERE group_id = ?', [group.id]))[0].n);
    await page.getByText(`Showing 1–20 of ${total}`).waitFor();
    const firstNames = await page.locator('.members-table tbody tr').allInnerTexts();
    // The list pages by keyset: the next page continues after the last row shown, not at an offset.
    const nextRequest = page.waitForRequest((r) => r.url().includes('/members?') && r.url().includes('pagination=keyset') && /id_after=\d+/.test(r.url()));
    await page.getByRole('button', { name: 'Next page' }).click();
    await nextRequest;
    await page.getByText(`Showing 21–${total} of ${total}`).waitFor();
    const secondNames = await page.locator('.members-table tbody tr').allInnerTexts();
    expect(secondNames).toHaveLength(total - 20);
    expect(secondNames.filter((row) => firstNames.includes(row))).toEqual([]);
    // Back to where it was, by the cursor before the first row of this page.
    const previousRequest = page.waitForRequest((r) => r.url().includes('/members?') && /id_before=\d+/.test(r.url()));
    await page.getByRole('button', { name: 'Previous page' }).click();
    await previousRequest;
    await page.getByText(`Showing 1–20 of ${total}`).waitFor();
    expect(await page.locator('.members-table tbody tr').allInnerTexts()).toEqual(firstNames);

    const searched = page.waitForRequest((r) => r.url().includes('/members?') && r.url().includes('search=entra2'));
    await page.getByLabel('Search members').fill('entra2');
    await page.keyboard.press('Enter');
    await searched;
    await page.getByText('Showing 1–1 of 1').waitFor();
    await expect(page.getByRole('row').filter({ hasText: 'entra2@acme.example' }).count()).resolves.toBe(1);
    // The search is in the address: a reload keeps it, Back returns to the whole list.
    expect(page.url()).toMatch(/\/saml\/members\?search=entra2$/);
    await page.reload();
    await settled(page);
    await page.getByText('Showing 1–1 of 1').waitFor();
    await expect(page.getByLabel('Search members').inputValue()).resolves.toBe('entra2');
    await page.goBack();
    await settled(page);
    await page.getByText(`Showing 1–20 of ${total}`).waitFor();
    expect(takeProblems()).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [] });
    await context.close();
  });

  it('turns the table into cards at 390 px, with no sideways scrolling', async () => {
    const { page, context, takeProblems } = await openPage(ui.browser, ui.baseUrl, PHONE);
    await signInThroughUi(page, ADMIN_TOKEN);
    await page.goto(`/#/groups/${group.id}/saml/members`);
    await settled(page);
    expect(await horizontalOverflow(page)).toBe(0);
    // Each row is a card: its cells stack, each labelled with its column's name.
    expect(
      await page
        .locator('tbody td')
        .first()
        .evaluate((td) => getComputedStyle(td).display),
    ).toBe('grid');
    await screenshot(page, 'members-390');
    expect(takeProblems()).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [] });
    await context.close();
  });
});
