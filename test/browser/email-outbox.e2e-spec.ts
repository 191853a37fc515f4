import { jest } from '@jest/globals';
import { horizontalOverflow, openPage, PHONE, screenshot, settled, signInThroughUi } from '../support/browser.js';
import { auth, oktaUser, SCIM_JSON, setUpGroup } from '../support/fixtures.js';
import type { GroupSetup } from '../support/fixtures.js';
import { ADMIN_TOKEN } from '../support/test-app.js';
import { describeInBrowser, startUi, UiHarness } from './browser-suite.js';

jest.setTimeout(90_000);

describeInBrowser('UI: welcome emails — the outbox for admins and the group setting', () => {
  let ui: UiHarness;
  let group: GroupSetup;
  const email = 'grace.hopper@acme.example';

  beforeAll(async () => {
    ui = await startUi();
    group = await setUpGroup(ui.t, 'acme');
    const doc = oktaUser({ userName: email, externalId: email, emails: [{ value: email, type: 'work', primary: true }], name: { givenName: 'Grace', familyName: 'Hopper' } });
    await ui.t.http().post(`${group.base}/Users`).set(auth(group.scimToken)).set('Content-Type', SCIM_JSON).send(JSON.stringify(doc)).expect(201);
  });
  afterAll(async () => ui?.close());

  it('lists the queued welcome, says that nothing is sent without SMTP_URL, and shows the message with the SSO URL', async () => {
    const { page, context, takeProblems } = await openPage(ui.browser, ui.baseUrl);
    await signInThroughUi(page, ADMIN_TOKEN);
    await page.goto('/#/admin/email-outbox');
    await settled(page);
    await page.getByText('SMTP_URL is not set, so Roster sends no email', { exact: false }).waitFor();
    const row = page.getByRole('row').filter({ hasText: email });
    await row.getByText('Waiting').waitFor();
    await row.getByText('You now have access to Group acme').waitFor();
    await row.getByRole('button', { name: 'Message' }).click();
    const body = page.locator('pre.message-body');
    await expect(body.innerText()).resolves.toContain(`${ui.t.config.baseUrl}/groups/acme/-/saml/sso`);
    await screenshot(page, 'admin-email-outbox');
    // Only sent messages: none yet.
    await page.getByLabel('Status').selectOption('sent');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByText('No messages.').waitFor();
    expect(takeProblems()).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [] });
    await context.close();
  });

  it('an owner turns the welcome off (and on for people added back) on the SAML configuration page', async () => {
    const { page, context, takeProblems } = await openPage(ui.browser, ui.baseUrl);
    await signInThroughUi(page, ADMIN_TOKEN);
    await page.goto(`/#/groups/${group.id}/saml/configuration`);
    await settled(page);
    const welcome = page.getByRole('checkbox', { name: 'Send a welcome email' });
    await expect(welcome.isChecked()).resolves.toBe(true);
    await page.getByText('Roster emails the person this group’s name and its SSO URL', { exact: false }).waitFor();
    await welcome.uncheck();
    await page.getByRole('checkbox', { name: 'Also welcome people who are added back' }).check();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Saved.', { exact: false }).waitFor();
    const [stored] = await ui.t.sql<{ welcome_email: unknown; welcome_email_on_reactivation: unknown }>(
      'SELECT welcome_email, welcome_email_on_reactivation FROM saml_providers WHERE group_id = ?',
      [group.id],
    );
    expect([Boolean(stored.welcome_email), Boolean(stored.welcome_email_on_reactivation)]).toEqual([false, true]);
    expect(takeProblems()).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [] });
    await context.close();
  });

  it('fits the outbox on a 390 px screen without sideways scrolling', async () => {
    const { page, context, takeProblems } = await openPage(ui.browser, ui.baseUrl, PHONE);
    await signInThroughUi(page, ADMIN_TOKEN);
    await page.goto('/#/admin/email-outbox');
    await settled(page);
    await page.getByRole('row').filter({ hasText: email }).waitFor();
    expect(await horizontalOverflow(page)).toBe(0);
    expect(takeProblems()).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [] });
    await context.close();
  });
});
