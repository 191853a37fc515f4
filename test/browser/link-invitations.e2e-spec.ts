import { jest } from '@jest/globals';
import type { Page } from 'playwright-core';
import { addMember, createPerson, Person } from '../support/admin-people.js';
import { horizontalOverflow, openPage, PHONE, screenshot, SCREENSHOT_DIRS, settled, signInThroughUi } from '../support/browser.js';
import { IDP_SSO_URL, setUpGroup } from '../support/fixtures.js';
import type { GroupSetup } from '../support/fixtures.js';
import { freePort } from '../support/server-process.js';
import { authnRequestIdFromRedirect, groupSp, postSamlResponse, samlPostFormHtml } from '../support/test-idp.js';
import { describeInBrowser, startUi, UiHarness } from './browser-suite.js';

jest.setTimeout(120_000);

/**
 * The test IdP in the browser: every request to the group's IdP SSO URL is answered, as a real IdP
 * does after the person signs in, with an auto-post page carrying a Response signed with the
 * fixture key for `nameId`, in response to the AuthnRequest Roster sent (InResponseTo).
 */
async function actAsIdp(page: Page, baseUrl: string, groupPath: string, nameId: string, email: string): Promise<string[]> {
  const answered: string[] = [];
  await page.route(`${new URL(IDP_SSO_URL).origin}/**`, async (route) => {
    const requestId = authnRequestIdFromRedirect(route.request().url());
    answered.push(requestId);
    const relayState = new URL(route.request().url()).searchParams.get('RelayState') ?? undefined;
    await route.fulfill({ status: 200, contentType: 'text/html', body: samlPostFormHtml(groupSp(baseUrl, groupPath), { nameId, email, inResponseTo: requestId, relayState }) });
  });
  return answered;
}

describeInBrowser('UI: link invitations (issue 16, point 2)', () => {
  let ui: UiHarness;
  let group: GroupSetup;
  let owner: Person;

  beforeAll(async () => {
    // The invitation URL and the IdP's form name BASE_URL: it must be the address the browser uses.
    const port = await freePort();
    ui = await startUi({ PORT: String(port), BASE_URL: `http://127.0.0.1:${port}` });
    group = await setUpGroup(ui.t, 'acme', { default_membership_role: 30 });
    owner = await createPerson(ui.t, 'owner', { name: 'Olivia Owner' });
    await addMember(ui.t, group.id, owner.id, 50);
  });
  afterAll(async () => ui?.close());

  it('an Owner invites a member from the Members page, the URL is shown once with a copy button, and the person links end to end through the IdP', async () => {
    const alex = await createPerson(ui.t, 'alex', { name: 'Alex Rivera', email: 'alex@acme.test' });
    await addMember(ui.t, group.id, alex.id, 30);

    // The Owner's side.
    const ownerTab = await openPage(ui.browser, ui.baseUrl);
    const o = ownerTab.page;
    await signInThroughUi(o, owner.token);
    await o.goto(`/#/groups/${group.id}/saml/members?search=alex`);
    await settled(o);
    await o.getByRole('button', { name: 'Invite Alex Rivera to link their SAML account' }).click();
    const dialog = o.getByRole('dialog', { name: 'Invite Alex Rivera to link' });
    await dialog.getByLabel('The link expires after').selectOption('3');
    await dialog.getByRole('button', { name: 'Create invitation' }).click();
    const shown = o.getByRole('dialog', { name: 'Link invitation created' });
    await shown.waitFor();
    const url = await shown.getByLabel('Invitation link', { exact: true }).inputValue();
    expect(url).toMatch(new RegExp(`^${ui.baseUrl}/groups/acme/-/saml/link_invitation\\?token=roster_link_[A-Za-z0-9_-]{43}$`));
    expect(await shown.getByRole('button', { name: 'Copy Invitation link' }).isVisible()).toBe(true);
    expect(await shown.getByText('You won’t be able to see this link again.').count()).toBe(1);
    const [stored] = await ui.t.sql<{ expires_at: string }>('SELECT expires_at FROM saml_link_invitations WHERE user_id = ?', [alex.id]);
    expect(Math.round((Date.parse(stored.expires_at) - Date.now()) / 86_400_000)).toBe(3);
    await shown.getByRole('button', { name: 'Done' }).click();
    await shown.waitFor({ state: 'detached' });

    // The person's side: a browser with no Roster session, and the IdP.
    const personTab = await openPage(ui.browser, ui.baseUrl);
    const p = personTab.page;
    const answered = await actAsIdp(p, ui.baseUrl, 'acme', 'alex.rivera@idp.acme.test', 'alex@acme.test');
    await p.goto(url);
    await p.getByRole('heading', { name: "Link your account to Group acme's sign-in", level: 1 }).waitFor();
    expect(await p.getByText('Olivia Owner invited the Roster account Alex Rivera').count()).toBe(1);
    await screenshot(p, 'link-invitation-page', SCREENSHOT_DIRS);
    await p.getByRole('button', { name: 'Continue to the identity provider' }).click();
    // The IdP's page posts the answer back (cross-site, as a real IdP's does) ...
    await p.locator('#post').click();
    // ... and the person lands in Roster, signed in to their account.
    await p.getByRole('heading', { name: 'Groups', level: 1 }).waitFor();
    expect(answered).toHaveLength(1);
    expect(await ui.t.sql('SELECT extern_uid FROM saml_identities WHERE group_id = ? AND user_id = ?', [group.id, alex.id])).toEqual([{ extern_uid: 'alex.rivera@idp.acme.test' }]);
    const sessions = await ui.t.sql<{ user_id: number }>('SELECT user_id FROM sessions WHERE user_id = ?', [alex.id]);
    expect(sessions.length).toBe(1);
    expect(await p.getByText('Group acme').count()).toBeGreaterThan(0);
    expect(personTab.takeProblems()).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [] });
    await personTab.context.close();

    // The Owner sees it used, with the NameID it linked.
    await o.goto(`/#/groups/${group.id}/saml/link-invitations`);
    await settled(o);
    const row = o.locator('.invitations-table tbody tr', { hasText: 'Alex Rivera' });
    await row.getByText('Used').waitFor();
    expect(await row.getByText('alex.rivera@idp.acme.test').count()).toBe(1);
    expect(await row.getByRole('button', { name: /Revoke/ }).count()).toBe(0);
    expect(ownerTab.takeProblems()).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [] });
    await ownerTab.context.close();
  });

  it('the troubleshooter offers Invite to link for a person who is not linked; the Owner revokes the invitation from the list', async () => {
    const sam = await createPerson(ui.t, 'sam', { name: 'Sam Lee', email: 'sam@acme.test' });
    await addMember(ui.t, group.id, sam.id, 30);
    const { page, context, takeProblems } = await openPage(ui.browser, ui.baseUrl);
    await signInThroughUi(page, owner.token);
    await page.goto(`/#/groups/${group.id}/saml/troubleshoot?q=sam%40acme.test`);
    await settled(page);
    const card = page.getByRole('article', { name: `Sam Lee (@${sam.username})` });
    await card.getByRole('button', { name: 'Invite Sam Lee to link their SAML account' }).click();
    await page.getByRole('dialog', { name: 'Invite Sam Lee to link' }).getByRole('button', { name: 'Create invitation' }).click();
    const shown = page.getByRole('dialog', { name: 'Link invitation created' });
    expect(await shown.getByLabel('Invitation link', { exact: true }).inputValue()).toContain('/groups/acme/-/saml/link_invitation?token=roster_link_');
    await shown.getByRole('button', { name: 'Done' }).click();
    // Alex, linked in the first test, is offered no invitation there.
    await page.goto(`/#/groups/${group.id}/saml/troubleshoot?q=alex%40acme.test`);
    await settled(page);
    await page.getByRole('article', { name: /^Alex Rivera/ }).waitFor();
    expect(await page.getByRole('button', { name: /Invite .* to link/ }).count()).toBe(0);
    // Nor, for an Owner, for someone who is no longer a member: only an admin may invite them.
    const gone = await createPerson(ui.t, 'gone', { name: 'Gone Person', email: 'gone@acme.test' });
    await addMember(ui.t, group.id, gone.id, 30);
    // Their refused sign-in ("not linked") is what keeps them findable after they leave.
    await postSamlResponse(ui.t.http(), groupSp(ui.baseUrl, 'acme'), { nameId: 'gone@idp.acme.test', email: 'gone@acme.test' }).expect(403);
    await ui.t
      .http()
      .delete(`/api/v4/groups/${group.id}/members/${gone.id}`)
      .set({ Authorization: `Bearer ${owner.token}` })
      .expect(204);
    await page.goto(`/#/groups/${group.id}/saml/troubleshoot?q=gone%40acme.test`);
    await settled(page);
    await page.getByRole('article', { name: /^Gone Person/ }).waitFor();
    expect(await page.getByRole('button', { name: /Invite .* to link/ }).count()).toBe(0);
    // Nor on the Members page, where the button sits beside a missing (or outdated) SAML identity.
    await page.goto(`/#/groups/${group.id}/saml/members?search=alex`);
    await settled(page);
    await page.locator('.members-table tbody tr', { hasText: 'Alex Rivera' }).getByText('alex.rivera@idp.acme.test').first().waitFor();
    expect(await page.getByRole('button', { name: 'Invite Alex Rivera to link their SAML account' }).count()).toBe(0);

    await page.goto(`/#/groups/${group.id}/saml/link-invitations?state=active`);
    await settled(page);
    expect(await page.getByLabel('State').inputValue()).toBe('active');
    const row = page.locator('.invitations-table tbody tr', { hasText: 'Sam Lee' });
    await row.getByText('Active').waitFor();
    await page.getByRole('button', { name: 'Revoke the invitation for Sam Lee' }).click();
    await page.getByRole('dialog', { name: 'Revoke the invitation for Sam Lee?' }).getByRole('button', { name: 'Revoke invitation' }).click();
    await page.getByText('No active link invitations.').waitFor();
    expect(await ui.t.sql<{ n: number | string }>('SELECT COUNT(*) AS n FROM saml_link_invitations WHERE user_id = ? AND revoked_at IS NOT NULL', [sam.id])).toEqual([{ n: 1 }]);
    // One more, still active, so the list shows each state an Owner meets.
    const jordan = await createPerson(ui.t, 'jordan', { name: 'Jordan Kim' });
    await addMember(ui.t, group.id, jordan.id, 30);
    await ui.t
      .http()
      .post(`/api/v4/groups/${group.id}/saml_link_invitations`)
      .set({ Authorization: `Bearer ${owner.token}` })
      .send({ user_id: jordan.id, expires_in_days: 14 })
      .expect(201);
    await page.goto(`/#/groups/${group.id}/saml/link-invitations`);
    await settled(page);
    await page.locator('.invitations-table tbody tr', { hasText: 'Sam Lee' }).getByText('Revoked').waitFor();
    await page.getByRole('button', { name: 'Revoke the invitation for Jordan Kim' }).waitFor();
    await page
      .locator('.toast')
      .waitFor({ state: 'detached' })
      .catch(() => undefined);
    await screenshot(page, 'link-invitations', SCREENSHOT_DIRS);
    expect(takeProblems()).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [] });
    await context.close();
  });

  it('the list fits a 390 px wide screen without sideways scrolling', async () => {
    const { page, context, takeProblems } = await openPage(ui.browser, ui.baseUrl, PHONE);
    await signInThroughUi(page, owner.token);
    await page.goto(`/#/groups/${group.id}/saml/link-invitations`);
    await settled(page);
    await page.locator('.invitations-table tbody tr').first().waitFor();
    expect(await horizontalOverflow(page)).toBe(0);
    expect(takeProblems()).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [] });
    await context.close();
  });
});
