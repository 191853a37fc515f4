import { jest } from '@jest/globals';
import { openPage, screenshot, settled, signInThroughUi } from '../support/browser.js';
import { auth, oktaUser, SCIM_JSON, setUpGroup } from '../support/fixtures.js';
import type { GroupSetup } from '../support/fixtures.js';
import { ADMIN_TOKEN } from '../support/test-app.js';
import { describeInBrowser, startUi, UiHarness } from './browser-suite.js';

jest.setTimeout(90_000);

describeInBrowser('UI: audit events and the SCIM request log', () => {
  let ui: UiHarness;
  let group: GroupSetup;
  const secret = 'Pl4ceholder-Passw0rd';
  const person = oktaUser({ password: secret, externalId: '00u1okta9duplicate0' });

  beforeAll(async () => {
    ui = await startUi();
    group = await setUpGroup(ui.t, 'acme');
    const post = () => ui.t.http().post(`${group.base}/Users`).set(auth(group.scimToken)).set('Content-Type', SCIM_JSON).send(JSON.stringify(person));
    await post().expect(201);
    await post().expect(409); // Okta retrying a create
    await ui.t.flushLogs();
  });
  afterAll(async () => ui?.close());

  it('filters audit events by name on the server, newest first', async () => {
    const { page, context, takeProblems } = await openPage(ui.browser, ui.baseUrl);
    await signInThroughUi(page, ADMIN_TOKEN);
    await page.goto(`/#/groups/${group.id}/audit-events`);
    await settled(page);
    const names = await ui.t.sql<{ event_name: string }>('SELECT event_name FROM audit_events WHERE group_id = ? ORDER BY id DESC', [group.id]);
    await page.getByText(`Showing 1–${names.length} of ${names.length}`).waitFor();
    // Newest first: the first row is the newest event.
    await page.locator('tbody tr').first().getByText(names[0].event_name, { exact: true }).waitFor();

    const filtered = page.waitForRequest((r) => r.url().includes('/audit_events?') && r.url().includes('event_name=user_provisioned_by_scim'));
    await page.getByLabel('Event', { exact: true }).selectOption('user_provisioned_by_scim');
    await page.getByRole('button', { name: 'Filter' }).click();
    await filtered;
    await page.getByText('Showing 1–1 of 1').waitFor();
    await page.locator('tbody tr').getByText('user_provisioned_by_scim', { exact: true }).waitFor();
    // The details show what the event is about, not the author, target and address the row's own
    // columns hold (the API repeats those inside `details` for GitLab scripts).
    const terms = await page.locator('tbody tr .details-list dt').allTextContents();
    expect(terms).toContain('extern uid');
    for (const repeated of ['author name', 'target id', 'target type', 'target details', 'ip address', 'entity path']) expect(terms).not.toContain(repeated);

    // A date range that ends before today leaves nothing.
    await page.getByLabel('To').fill('2000-01-01');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByText('No audit events match these filters.').waitFor();
    expect(takeProblems()).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [] });
    await context.close();
  });

  it('filters SCIM requests by status and externalId, and opens a row to show the body with the password redacted', async () => {
    const { page, context, takeProblems } = await openPage(ui.browser, ui.baseUrl);
    await signInThroughUi(page, ADMIN_TOKEN);
    await page.goto(`/#/groups/${group.id}/scim-requests`);
    await settled(page);
    await page.getByLabel('Status').selectOption('409');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByText('Showing 1–1 of 1').waitFor();
    const row = page.locator('tbody tr').first();
    await row.getByText(person.externalId, { exact: true }).waitFor();
    await row.click();
    const body = page.locator('.code-block');
    await body.waitFor();
    const text = (await body.textContent()) ?? '';
    expect(text).toContain(person.userName);
    expect(text).not.toContain(secret);
    await expect(page.getByRole('button', { name: 'Body' }).getAttribute('aria-expanded')).resolves.toBe('true');
    await screenshot(page, 'scim-requests-body');

    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByText('Showing 1–2 of 2').waitFor();
    await page.getByLabel('externalId').fill('no-such-external-id');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByText('No SCIM requests match these filters.').waitFor();
    expect(takeProblems()).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [] });
    await context.close();
  });
});
