import { jest } from '@jest/globals';
import { horizontalOverflow, openPage, PHONE, screenshot, settled, signInThroughUi } from '../support/browser.js';
import { auth, oktaUser, SCIM_JSON, setUpGroup } from '../support/fixtures.js';
import type { GroupSetup } from '../support/fixtures.js';
import { groupSp, samlResponse } from '../support/test-idp.js';
import { ADMIN_TOKEN } from '../support/test-app.js';
import { describeInBrowser, startUi, UiHarness } from './browser-suite.js';

jest.setTimeout(90_000);

describeInBrowser('UI: the identity-mismatch report after a SAML sign-in with another NameID', () => {
  let ui: UiHarness;
  let group: GroupSetup;
  let userId: number;
  const externalId = '00u5kim8s2Lq0Xh1d5d7';
  const email = 'kim.lee@acme.example';

  beforeAll(async () => {
    ui = await startUi();
    group = await setUpGroup(ui.t, 'acme');
    const doc = oktaUser({ userName: email, emails: [{ primary: true, value: email, type: 'work' }], externalId, displayName: 'Kim Lee', name: { givenName: 'Kim', familyName: 'Lee' } });
    await ui.t.http().post(`${group.base}/Users`).set(auth(group.scimToken)).set('Content-Type', SCIM_JSON).send(JSON.stringify(doc)).expect(201);
    userId = Number((await ui.t.sql<{ user_id: number }>('SELECT user_id FROM scim_identities WHERE extern_uid = ?', [externalId]))[0].user_id);
  });
  afterAll(async () => ui?.close());

  const identities = async () => ({
    scim: (await ui.t.sql<{ extern_uid: string }>('SELECT extern_uid FROM scim_identities WHERE group_id = ? AND user_id = ?', [group.id, userId]))[0]?.extern_uid,
    saml: (await ui.t.sql<{ extern_uid: string }>('SELECT extern_uid FROM saml_identities WHERE group_id = ? AND user_id = ?', [group.id, userId]))[0]?.extern_uid,
  });

  it('a signed sign-in whose NameID changed lands the person in the UI, signed in', async () => {
    expect(await identities()).toEqual({ scim: externalId, saml: externalId });
    const { page, context, takeProblems } = await openPage(ui.browser, ui.baseUrl);
    // The IdP's auto-submitting form, posted by the browser itself (HTTP-POST binding).
    const sp = groupSp(ui.t.config.baseUrl, group.path);
    await page.setContent('<form method="post"><input type="hidden" name="SAMLResponse"><input type="hidden" name="RelayState" value="/"><button>Continue</button></form>');
    await page.evaluate(
      ([action, value]) => {
        const form = document.forms[0];
        form.action = action;
        (form.elements.namedItem('SAMLResponse') as HTMLInputElement).value = value;
      },
      [`${ui.baseUrl}${sp.acsPath}`, samlResponse(sp, { nameId: email, email })] as const,
    );
    await Promise.all([page.waitForURL(`${ui.baseUrl}/**`), page.getByRole('button', { name: 'Continue' }).click()]);
    await page.getByRole('heading', { name: 'Groups', level: 1 }).waitFor();
    await page.locator('#account').getByText('Kim Lee').waitFor();
    expect(await identities()).toEqual({ scim: externalId, saml: email });
    expect(takeProblems()).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [] });
    await context.close();
  });

  it('flags the member, explains the row in the report and resolves it with one of the row’s own values', async () => {
    const { page, context, takeProblems } = await openPage(ui.browser, ui.baseUrl);
    await signInThroughUi(page, ADMIN_TOKEN);
    await page.goto(`/#/groups/${group.id}/saml/members`);
    await settled(page);
    const memberRow = page.getByRole('row').filter({ hasText: email });
    await memberRow.getByRole('link', { name: /Identity problem: SCIM externalId and SAML extern_uid differ/ }).click();
    await page.waitForURL(/\/saml\/mismatches/);
    await settled(page);

    const row = page.getByRole('row').filter({ hasText: email });
    await row.getByText('SCIM and SAML identifiers differ').waitFor();
    await row.getByText(`The SCIM externalId is "${externalId}"`, { exact: false }).waitFor();
    await row.getByText('Set both to the NameID the identity provider sends', { exact: false }).waitFor();
    await screenshot(page, 'identity-mismatches');

    await row.getByRole('button', { name: 'Resolve the identities of Kim Lee' }).click();
    const dialog = page.getByRole('dialog', { name: 'Resolve the identities of Kim Lee?' });
    await dialog.waitFor();
    // Only the row's values are offered; there is nothing to type an arbitrary identifier into.
    const offered = await dialog.getByRole('radio').evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value).sort());
    expect(offered).toEqual([email, externalId].sort());
    await expect(dialog.locator('input[type="text"], textarea').count()).resolves.toBe(0);
    await expect(dialog.getByRole('radio', { checked: true }).inputValue()).resolves.toBe(email);
    // The dialog says exactly what changes in Roster and at the IdP, for the value chosen.
    const effects = async () => (await dialog.locator('.effects-list li').allInnerTexts()).map((text) => text.trim());
    expect(await effects()).toEqual([
      `SCIM id and externalId: "${externalId}" becomes "${email}".`,
      `SAML extern_uid: unchanged ("${email}").`,
      'Both changes and their audit events are saved together, or nothing is.',
      `Nothing is sent to the IdP. It keeps addressing this person as Users/${externalId}; Roster keeps answering that id with this person (now "${email}") until the IdP first uses Users/${email}, or an owner drops the old id.`,
      `If the IdP sends externalId "${externalId}" again in an update, the SCIM id goes back to "${externalId}" and this problem returns: make the IdP send "${email}" as this person’s externalId.`,
      `Sign-in works when the IdP sends the NameID "${email}".`,
    ]);
    await dialog.getByRole('radio', { name: new RegExp(externalId) }).check();
    expect(await effects()).toEqual([
      `SCIM id and externalId: unchanged ("${externalId}").`,
      `SAML extern_uid: "${email}" becomes "${externalId}".`,
      'Both changes and their audit events are saved together, or nothing is.',
      `Nothing is sent to the IdP, and its SCIM id for this person (${externalId}) keeps working.`,
      `Sign-in works when the IdP sends the NameID "${externalId}".`,
    ]);
    await dialog.getByRole('radio', { name: new RegExp(email.replace(/\./g, '\\.')) }).check();
    await screenshot(page, 'identity-mismatches-resolve');
    await dialog.getByRole('button', { name: 'Resolve' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('row').filter({ hasText: email }).waitFor({ state: 'detached' });

    expect(await identities()).toEqual({ scim: email, saml: email });
    const audit = await ui.t.sql('SELECT id FROM audit_events WHERE event_name = ? AND target_id = ?', ['identity_mismatch_resolved', userId]);
    expect(audit).toHaveLength(1);
    // The IdP still holds the id it was given at creation: it keeps reaching the same person.
    const scim = { ...auth(group.scimToken), 'Content-Type': SCIM_JSON };
    const read = await ui.t.http().get(`${group.base}/Users/${externalId}`).set(scim).expect(200);
    expect(read.body).toMatchObject({ id: email, externalId: email, userName: email });
    await ui.t
      .http()
      .patch(`${group.base}/Users/${externalId}`)
      .set(scim)
      .send(JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'displayName', value: 'Kim Lee (Ops)' }] }))
      .expect(204);
    const stored = await ui.t.sql<{ attributes: string; user_id: number }>('SELECT attributes, user_id FROM scim_identities WHERE group_id = ? AND extern_uid = ?', [group.id, email]);
    expect(Number(stored[0].user_id)).toBe(userId);
    expect(JSON.parse(stored[0].attributes).displayName).toBe('Kim Lee (Ops)');
    expect(takeProblems()).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [] });
    await context.close();
  });

  it('fits the report on a 390 px screen without sideways scrolling', async () => {
    const { page, context, takeProblems } = await openPage(ui.browser, ui.baseUrl, PHONE);
    await signInThroughUi(page, ADMIN_TOKEN);
    await page.goto(`/#/groups/${group.id}/saml/mismatches`);
    await settled(page);
    expect(await horizontalOverflow(page)).toBe(0);
    expect(takeProblems()).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [] });
    await context.close();
  });
});
