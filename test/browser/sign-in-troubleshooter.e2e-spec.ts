import { jest } from '@jest/globals';
import { PHONE, SCREENSHOT_DIRS, horizontalOverflow, openPage, screenshot, settled, signInThroughUi } from '../support/browser.js';
import { auth, oktaUser, SCIM_JSON, setUpGroup } from '../support/fixtures.js';
import type { GroupSetup } from '../support/fixtures.js';
import { signInWithSaml } from '../support/saml-fixtures.js';
import { ADMIN_TOKEN } from '../support/test-app.js';
import { describeInBrowser, startUi, UiHarness } from './browser-suite.js';

jest.setTimeout(90_000);

describeInBrowser('UI: the sign-in troubleshooter', () => {
  let ui: UiHarness;
  let group: GroupSetup;
  const member = { externalId: '00u7pat3member', email: 'pat.member@acme.example' };
  const removed = { externalId: '00u7ray4removed', email: 'ray.removed@acme.example' };

  const provision = async (who: { externalId: string; email: string }, given: string, family: string) => {
    const doc = oktaUser({ userName: who.email, externalId: who.externalId, emails: [{ primary: true, value: who.email, type: 'work' }], name: { givenName: given, familyName: family } });
    await ui.t.http().post(`${group.base}/Users`).set(auth(group.scimToken)).set('Content-Type', SCIM_JSON).send(JSON.stringify(doc)).expect(201);
  };

  beforeAll(async () => {
    ui = await startUi();
    group = await setUpGroup(ui.t, 'acme', { enforced_sso: true });
    await provision(member, 'Pat', 'Member');
    await signInWithSaml(ui.t, group, { nameId: member.externalId, email: member.email }).expect(303);
    await provision(removed, 'Ray', 'Removed');
    await ui.t
      .http()
      .patch(`${group.base}/Users/${removed.externalId}`)
      .set(auth(group.scimToken))
      .set('Content-Type', SCIM_JSON)
      .send({ Operations: [{ op: 'replace', path: 'active', value: false }] })
      .expect(204);
    await signInWithSaml(ui.t, group, { nameId: removed.externalId, email: removed.email }).expect(403);
    await signInWithSaml(ui.t, group, { nameId: 'nobody.known@elsewhere.example', email: 'nobody.known@elsewhere.example' }).expect(403);
  });
  afterAll(async () => ui?.close());

  it('answers for a current member, a removed member and an unknown NameID; the search lives in the URL', async () => {
    const { page, context, takeProblems } = await openPage(ui.browser, ui.baseUrl);
    await signInThroughUi(page, ADMIN_TOKEN);
    await page.goto(`/#/groups/${group.id}/saml/troubleshoot`);
    await settled(page);
    const search = page.getByLabel('Name, email, username, externalId or NameID');

    await search.fill(member.email);
    await page.getByRole('button', { name: 'Troubleshoot' }).click();
    const memberCard = page.getByRole('article', { name: /Pat Member/ });
    await memberCard.getByText('Can sign in', { exact: true }).waitFor();
    await memberCard.getByText(/^Can sign in \(last SAML sign-in/).waitFor();
    expect(page.url()).toContain(`?q=${encodeURIComponent(member.email)}`);

    await search.fill(removed.externalId);
    await page.getByRole('button', { name: 'Troubleshoot' }).click();
    const removedCard = page.getByRole('article', { name: /Ray Removed/ });
    await removedCard.getByText('Cannot sign in', { exact: true }).waitFor();
    await removedCard.getByText(/deprovisioned them \(their SCIM identity is inactive\) and SSO is enforced/).waitFor();
    await removedCard.getByText(/Re-assign the person to the Roster app in the IdP/).waitFor();
    await removedCard.getByText('Not a member').waitFor();
    await screenshot(page, 'sign-in-troubleshooter', SCREENSHOT_DIRS);

    // Reload keeps the answer; Back returns to the previous search.
    await page.reload();
    await settled(page);
    await page.getByRole('article', { name: /Ray Removed/ }).waitFor();
    await page.goBack();
    await settled(page);
    await page.getByRole('article', { name: /Pat Member/ }).waitFor();
    await expect(search.inputValue()).resolves.toBe(member.email);

    await page.goto(`/#/groups/${group.id}/saml/troubleshoot?q=${encodeURIComponent('nobody.known@elsewhere.example')}`);
    await settled(page);
    const unknown = page.getByRole('article', { name: 'Unknown NameID nobody.known@elsewhere.example' });
    await unknown.getByText(/no Roster account in this group has this identity/).waitFor();
    await unknown.getByText(/refused \(no_account\)/).waitFor();
    expect(await page.getByText(/before it could tell whom/).count()).toBe(0);

    // A response refused before anyone could be named (its signature does not verify) is stated for the whole group.
    await signInWithSaml(ui.t, group, { nameId: member.externalId, key: 'other' }).expect(400);
    await page.reload();
    await settled(page);
    await page
      .locator('.notice-warning')
      .getByText(/refused one SAML response for this scope before it could tell whom it was for\. The newest \([^)]+, invalid_signature\)/)
      .waitFor();

    await page.setViewportSize(PHONE);
    await settled(page);
    expect(await horizontalOverflow(page)).toBe(0);
    expect(takeProblems()).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [] });
    await context.close();
  });
});
