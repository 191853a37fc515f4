import { jest } from '@jest/globals';
import { join } from 'node:path';
import { ARTIFACTS_DIR, openPage, screenshot, settled, signInThroughUi } from '../support/browser.js';
import { oktaUser, SCIM_JSON, setUpInstance } from '../support/fixtures.js';
import { freePort } from '../support/server-process.js';
import { ADMIN_TOKEN } from '../support/test-app.js';
import { instanceSp, samlPostFormHtml, samlResponse } from '../support/test-idp.js';
import { describeInBrowser, startUi, UiHarness } from './browser-suite.js';

jest.setTimeout(120_000);

/**
 * Admin › SAML settings for the instance provider (self-managed sign-in), and a real browser
 * signing in at the instance ACS: the IdP's cross-site POST, Roster's resubmit page, the session.
 */
describeInBrowser('UI: instance SAML sign-in', () => {
  let ui: UiHarness;
  let scim: { scimToken: string; base: string };

  beforeAll(async () => {
    // BASE_URL is the address the browser uses, so the IdP's Audience and Destination match it.
    const port = await freePort();
    ui = await startUi({ PORT: String(port), BASE_URL: `http://127.0.0.1:${port}` });
    scim = await setUpInstance(ui.t);
  });
  afterAll(async () => ui?.close());

  it('Admin › SAML settings shows the instance service provider details with Copy buttons and says what instance sign-in does', async () => {
    const { page, context, takeProblems } = await openPage(ui.browser, ui.baseUrl);
    await signInThroughUi(page, ADMIN_TOKEN);
    await page.goto('/#/admin/saml');
    await page.getByRole('heading', { name: 'Service provider details', level: 2 }).waitFor();
    await settled(page);
    const values = await page.evaluate(() => Object.fromEntries(Array.from(document.querySelectorAll<HTMLTextAreaElement>('textarea[data-copy]')).map((t) => [t.dataset.copy, t.value])));
    expect(values).toEqual({
      sso_start_url: `${ui.baseUrl}/users/auth/saml/sso`,
      metadata_url: `${ui.baseUrl}/users/auth/saml/metadata`,
      acs_url: `${ui.baseUrl}/users/auth/saml/callback`,
      sp_entity_id: ui.baseUrl,
    });
    for (const label of ['SSO URL', 'Metadata URL', 'Assertion consumer service URL', 'Identifier (entity ID)']) {
      await page.getByRole('button', { name: `Copy ${label}` }).waitFor();
    }
    const help = page.locator('#instance-saml-help');
    expect(await help.textContent()).toContain('A successful sign-in gives a Roster session; it adds no one to a group');
    // The group-only welcome email settings are not offered for the instance.
    expect(await page.getByLabel('Send a welcome email').count()).toBe(0);
    // The committed docs/screenshots/admin-saml.png comes from the demo tour (pages.e2e-spec.ts).
    await screenshot(page, 'admin-saml-instance', [join(ARTIFACTS_DIR, 'instance-saml')], 1300);
    expect(takeProblems()).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [] });
    await context.close();
  });

  it('a person provisioned by instance SCIM signs in at the instance ACS from the IdP (cross-site POST) and lands in the UI signed in', async () => {
    const body = oktaUser({ displayName: 'Instance Person' });
    await ui.t.http().post(`${scim.base}/Users`).set('Authorization', `Bearer ${scim.scimToken}`).set('Content-Type', SCIM_JSON).send(JSON.stringify(body)).expect(201);
    const { page, context, takeProblems } = await openPage(ui.browser, ui.baseUrl);
    await page.setContent(samlPostFormHtml(instanceSp(ui.baseUrl), { nameId: body.externalId as string, relayState: '/#/groups' }));
    await page.click('#post');
    await page.waitForURL(`${ui.baseUrl}/#/groups`);
    await page.locator('.account-label').waitFor();
    expect(await page.locator('.account-name').getAttribute('title')).toBe((body.emails as { value: string }[])[0].value);
    const [observed] = await ui.t.sql<{ group_id: number | null; outcome: string }>('SELECT group_id, outcome FROM saml_sign_ins WHERE name_id = ?', [body.externalId]);
    expect(observed).toEqual({ group_id: null, outcome: 'signed_in' });
    expect(takeProblems()).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [] });
    await context.close();
  });

  it('Admin › Identity mismatches lists an instance person whose IdP sends another NameID, and Resolve aligns SCIM and SAML', async () => {
    const body = oktaUser({ displayName: 'Renamed Person' });
    await ui.t.http().post(`${scim.base}/Users`).set('Authorization', `Bearer ${scim.scimToken}`).set('Content-Type', SCIM_JSON).send(JSON.stringify(body)).expect(201);
    const email = (body.emails as { value: string }[])[0].value;
    // The IdP now sends another NameID with the same email: Roster relinks, SCIM keeps the old externalId.
    await ui.t
      .http()
      .post('/users/auth/saml/callback')
      .type('form')
      .send({ SAMLResponse: samlResponse(instanceSp(ui.baseUrl), { nameId: 'renamed-in-idp', email }) })
      .expect(303);

    const { page, context, takeProblems } = await openPage(ui.browser, ui.baseUrl);
    await signInThroughUi(page, ADMIN_TOKEN);
    await page.goto('/#/admin/identity-mismatches');
    const row = page.getByRole('row').filter({ hasText: email });
    await row.getByText('SCIM and SAML identifiers differ').waitFor();
    // The instance has no Owners to mark people as expected.
    expect(await page.getByRole('button', { name: /^Mark .* as not using SAML$/ }).count()).toBe(0);
    await row.getByRole('button', { name: /^Resolve the identities of / }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('radio', { name: /renamed-in-idp/ }).check();
    await dialog.getByRole('button', { name: 'Resolve' }).click();
    await page.getByText('No identity problems: every instance SCIM and SAML identity agrees.').waitFor();
    expect(await ui.t.sql('SELECT extern_uid FROM scim_identities WHERE group_id IS NULL AND extern_uid = ?', ['renamed-in-idp'])).toHaveLength(1);
    expect(takeProblems()).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [] });
    await context.close();
  });

  it('a refused instance sign-in gets the styled page that sends administrators to the instance troubleshooter, which finds the refusal', async () => {
    const { page, context } = await openPage(ui.browser, ui.baseUrl);
    await page.setContent(samlPostFormHtml(instanceSp(ui.baseUrl), { nameId: 'nobody-known', email: 'stranger@elsewhere.test' }));
    // The IdP's POST is cross-site: Roster's resubmit page posts it again from its own origin, and that answer is the refusal.
    const [answer] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/users/auth/saml/callback') && r.status() !== 200), page.click('#post')]);
    expect(answer.status()).toBe(403);
    await page.getByRole('heading', { name: 'No account for this identity', level: 1 }).waitFor();
    expect(await page.locator('header.topbar .brand').textContent()).toBe('Roster');
    const link = page.getByRole('link', { name: 'troubleshoot this sign-in' });
    expect(await link.getAttribute('href')).toBe(`${ui.baseUrl}/#/admin/sign-in-troubleshooter`);
    await context.close();

    const admin = await openPage(ui.browser, ui.baseUrl);
    await signInThroughUi(admin.page, ADMIN_TOKEN);
    await admin.page.goto('/#/admin/sign-in-troubleshooter?q=nobody-known');
    await admin.page.getByRole('heading', { name: 'Troubleshoot sign-in', level: 2 }).waitFor();
    await admin.page.getByText('nobody-known').first().waitFor();
    expect(admin.takeProblems()).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [] });
    await admin.context.close();
  });
});
