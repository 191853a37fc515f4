import { jest } from '@jest/globals';
import { openPage, settled, signInThroughUi } from '../support/browser.js';
import { adminAuth } from '../support/fixtures.js';
import { createPerson } from '../support/admin-people.js';
import { ADMIN_TOKEN } from '../support/test-app.js';
import { describeInBrowser, startUi, UiHarness } from './browser-suite.js';

jest.setTimeout(90_000);

describeInBrowser('UI: web_url addresses and help texts', () => {
  let ui: UiHarness;

  beforeAll(async () => {
    ui = await startUi();
  });
  afterAll(async () => ui?.close());

  it("a group's web_url opens the group's page and a user's web_url opens that user in the admin area", async () => {
    const group = await ui.t.http().post('/api/v4/groups').set(adminAuth).send({ name: 'Acme Widgets', path: 'acme-widgets' }).expect(201);
    const person = await createPerson(ui.t, 'linda');
    const user = await ui.t.http().get(`/api/v4/users/${person.id}`).set(adminAuth).expect(200);
    const { page, context, takeProblems } = await openPage(ui.browser, ui.baseUrl);
    await signInThroughUi(page, ADMIN_TOKEN);

    await page.goto(new URL(group.body.web_url).pathname);
    await settled(page);
    await page.getByRole('heading', { name: 'Acme Widgets', level: 1 }).waitFor();
    expect(new URL(page.url()).hash).toBe('#/groups/acme-widgets/saml/configuration');

    await page.goto(new URL(user.body.web_url).pathname);
    await settled(page);
    await expect(page.getByLabel('Search users').inputValue()).resolves.toBe(person.username);
    await page.getByRole('row').filter({ hasText: person.email }).waitFor();
    await expect(page.getByRole('row').count()).resolves.toBe(2);
    expect(takeProblems()).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [] });
    await context.close();
  });

  it('the "Enforce SSO-only authentication" help says what enforcing does', async () => {
    const { page, context, takeProblems } = await openPage(ui.browser, ui.baseUrl);
    await signInThroughUi(page, ADMIN_TOKEN);
    await page.goto('/#/groups/acme-widgets/saml/configuration');
    await settled(page);
    const enforce = page.getByRole('checkbox', { name: 'Enforce SSO-only authentication' });
    const help = await enforce.evaluate((input) => {
      const ids = (input.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean);
      return ids.map((id) => document.getElementById(id)?.textContent ?? '').join(' ');
    });
    expect(help).toContain('refused at SAML sign-in until the IdP reactivates them');
    expect(help).toContain('links an existing account only if that account has already signed in here with SAML');
    expect(help).toContain('When off');
    expect(takeProblems()).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [] });
    await context.close();
  });
});
