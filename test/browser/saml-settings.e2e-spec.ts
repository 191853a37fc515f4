import { X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { projectRoot } from '../../src/project-root.js';
import { SCREENSHOT_DIRS, openPage, screenshot, settled, signInThroughUi } from '../support/browser.js';
import { certificateEndingIn } from '../support/certificates.js';
import { IDP_CERT, setUpGroup } from '../support/fixtures.js';
import type { GroupSetup } from '../support/fixtures.js';
import { freePort } from '../support/server-process.js';
import { ADMIN_TOKEN } from '../support/test-app.js';
import { groupSp, samlPostFormHtml } from '../support/test-idp.js';
import { describeInBrowser, startUi, UiHarness } from './browser-suite.js';

jest.setTimeout(90_000);

describeInBrowser('UI: SAML provider settings of issue 14', () => {
  let ui: UiHarness;
  let group: GroupSetup;

  beforeAll(async () => {
    ui = await startUi();
    group = await setUpGroup(ui.t, 'acme');
  });
  afterAll(async () => ui?.close());

  it('an owner sets the IdP entity id and "responses must sign the assertion"; both are stored and the metadata says WantAssertionsSigned="true"', async () => {
    const { page, context, takeProblems } = await openPage(ui.browser, ui.baseUrl);
    await signInThroughUi(page, ADMIN_TOKEN);
    await page.goto(`/#/groups/${group.id}/saml/configuration`);
    await settled(page);
    expect(await page.getByLabel('Responses must sign the assertion').isChecked()).toBe(false);
    await page.getByLabel('Identity provider entity ID (optional)').fill('http://www.okta.com/exk1fcia6d6EMsf9Z0h7');
    await page.getByLabel('Responses must sign the assertion').check();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Saved. Sign-ins use the new settings from now on.').waitFor();
    const rows = await ui.t.sql<{ idp_entity_id: string; want_assertions_signed: unknown }>('SELECT idp_entity_id, want_assertions_signed FROM saml_providers WHERE group_id = ?', [group.id]);
    expect(rows.map((r) => [r.idp_entity_id, Boolean(r.want_assertions_signed)])).toEqual([['http://www.okta.com/exk1fcia6d6EMsf9Z0h7', true]]);
    expect((await ui.t.http().get('/groups/acme/-/saml/metadata').expect(200)).text).toContain('WantAssertionsSigned="true"');

    // Reloaded, the form shows what is stored.
    await page.reload();
    await settled(page);
    expect(await page.getByLabel('Identity provider entity ID (optional)').inputValue()).toBe('http://www.okta.com/exk1fcia6d6EMsf9Z0h7');
    expect(await page.getByLabel('Responses must sign the assertion').isChecked()).toBe(true);
    expect(takeProblems()).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [] });
    await context.close();
  });
  it('the certificate panel shows each accepted certificate (fingerprint, subject, expiry) and warns about one ending within 30 days', async () => {
    const soon = certificateEndingIn(12, 'Okta 2026 signing');
    const { page, context, takeProblems } = await openPage(ui.browser, ui.baseUrl);
    await signInThroughUi(page, ADMIN_TOKEN);
    await page.goto(`/#/groups/${group.id}/saml/configuration`);
    await settled(page);
    const panel = page.getByRole('region', { name: 'Signing certificates' });
    expect(await panel.locator('article.certificate').count()).toBe(1);
    await page.getByLabel('Second signing certificate (optional, for rotation)').fill(soon);
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Saved. Sign-ins use the new settings from now on.').waitFor();
    // The panel now shows both, from what the server stored.
    await panel.locator('article.certificate').nth(1).waitFor();
    const cards = panel.locator('article.certificate');
    expect(await cards.count()).toBe(2);
    expect(await cards.nth(0).locator('.fingerprint').textContent()).toBe(new X509Certificate(IDP_CERT).fingerprint256);
    expect(await cards.nth(0).getByText('CN=Roster Test IdP').count()).toBeGreaterThan(0);
    expect(await cards.nth(0).getByText('Valid', { exact: true }).count()).toBe(1);
    expect(await cards.nth(1).locator('.fingerprint').textContent()).toBe(new X509Certificate(soon).fingerprint256);
    expect(await cards.nth(1).getByText('CN=Okta 2026 signing').count()).toBeGreaterThan(0);
    expect(await cards.nth(1).locator('time').getAttribute('datetime')).toBe(new Date(new X509Certificate(soon).validTo).toISOString());
    expect(await cards.nth(1).getByRole('status').textContent()).toMatch(/^This certificate expires in 1[12] days\./);
    const stored = await ui.t.sql<{ secondary_certificate: string }>('SELECT secondary_certificate FROM saml_providers WHERE group_id = ?', [group.id]);
    expect(stored).toEqual([{ secondary_certificate: new X509Certificate(soon).toString().trim() }]);
    // Roster's own key for this provider is listed below the IdP's certificates.
    await panel.getByRole('article', { name: 'Current service provider key' }).waitFor();
    expect(takeProblems()).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [] });
    await panel.scrollIntoViewIfNeeded();
    for (const dir of SCREENSHOT_DIRS) {
      mkdirSync(dir, { recursive: true });
      await panel.screenshot({ path: join(dir, 'saml-certificate-panel.png') });
    }
    await context.close();
  });

  it('an owner rotates the service provider key (the previous one decrypts until removed) and requires encrypted assertions', async () => {
    const keyed = await setUpGroup(ui.t, 'sp-keys');
    const { page, context, takeProblems } = await openPage(ui.browser, ui.baseUrl);
    await signInThroughUi(page, ADMIN_TOKEN);
    await page.goto(`/#/groups/${keyed.id}/saml/configuration`);
    await settled(page);
    const panel = page.getByRole('region', { name: 'Signing certificates' });
    const current = panel.getByRole('article', { name: 'Current service provider key' });
    await current.waitFor();
    const [first] = await ui.t.sql<{ certificate: string }>('SELECT certificate FROM saml_sp_keys WHERE group_id = ?', [keyed.id]);
    expect(await current.locator('.fingerprint').textContent()).toBe(new X509Certificate(first.certificate).fingerprint256);

    await panel.getByRole('button', { name: 'Generate a new key' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Generate key' }).click();
    await panel.getByText('Generated. Give the identity provider the new certificate').waitFor();
    const previous = panel.getByRole('article', { name: 'Previous service provider key 1' });
    expect(await previous.locator('.fingerprint').textContent()).toBe(new X509Certificate(first.certificate).fingerprint256);
    expect(await previous.getByText('Decrypts only').count()).toBe(1);
    expect(await ui.t.sql('SELECT id FROM saml_sp_keys WHERE group_id = ?', [keyed.id])).toHaveLength(2);
    const metadata = (await ui.t.http().get('/groups/sp-keys/-/saml/metadata').expect(200)).text;
    expect(metadata).not.toContain(
      first.certificate
        .replace(/-----[^-]+-----/g, '')
        .replace(/\s+/g, '')
        .slice(0, 60),
    );

    await previous.getByRole('button', { name: 'Remove' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove key' }).click();
    await previous.waitFor({ state: 'detached' });
    expect(await ui.t.sql('SELECT id FROM saml_sp_keys WHERE group_id = ?', [keyed.id])).toHaveLength(1);
    expect(await current.getByRole('button', { name: 'Remove' }).count()).toBe(0);

    await page.getByLabel('Require encrypted assertions').check();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Saved. Sign-ins use the new settings from now on.').waitFor();
    const [row] = await ui.t.sql<{ require_encrypted_assertions: unknown }>('SELECT require_encrypted_assertions FROM saml_providers WHERE group_id = ?', [keyed.id]);
    expect(Boolean(row.require_encrypted_assertions)).toBe(true);
    expect(takeProblems()).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [] });
    await context.close();
  });

  it('an owner imports Entra’s federation metadata from a file after a bad paste is refused on the field; the form and panel show what was stored', async () => {
    const imported = await setUpGroup(ui.t, 'metadata-import');
    const { page, context, takeProblems } = await openPage(ui.browser, ui.baseUrl);
    await signInThroughUi(page, ADMIN_TOKEN);
    await page.goto(`/#/groups/${imported.id}/saml/configuration`);
    await settled(page);
    const section = page.getByRole('region', { name: 'Import identity provider metadata' });
    // Metadata of a service provider, not an IdP: refused under the field, nothing stored.
    await section
      .getByLabel('Identity provider metadata XML')
      .fill(readFileSync(join(projectRoot(), 'test/fixtures/saml/okta-metadata.xml'), 'utf8').replace(/IDPSSODescriptor/g, 'SPSSODescriptor'));
    await section.getByRole('button', { name: 'Import metadata' }).click();
    await section.getByText('has no IDPSSODescriptor: it is not an identity provider’s metadata').waitFor();
    expect(await section.getByLabel('Identity provider metadata XML').getAttribute('aria-invalid')).toBe('true');
    expect((await ui.t.sql<{ sso_url: string }>('SELECT sso_url FROM saml_providers WHERE group_id = ?', [imported.id]))[0].sso_url).toBe('https://idp.example.test/sso/saml');

    await section.getByLabel('Or choose the metadata file').setInputFiles(join(projectRoot(), 'test/fixtures/saml/entra-federation-metadata.xml'));
    await page.waitForFunction(() => (document.querySelector('textarea[name="metadata"]') as HTMLTextAreaElement | null)?.value.includes('IDPSSODescriptor'));
    await section.getByRole('button', { name: 'Import metadata' }).click();
    const tenant = '5f1c2a3e-7b4d-4c8e-9a10-2b3c4d5e6f70';
    await section.getByRole('status').filter({ hasText: 'Imported the single sign-on URL, the single logout URL, the entity ID and its 2 signing certificates' }).waitFor();
    expect(await page.getByLabel('Identity provider single sign-on URL').inputValue()).toBe(`https://login.microsoftonline.com/${tenant}/saml2`);
    expect(await page.getByLabel('Identity provider single logout URL (optional)').inputValue()).toBe(`https://login.microsoftonline.com/${tenant}/saml2`);
    expect(await page.getByLabel('Identity provider entity ID (optional)').inputValue()).toBe(`https://sts.windows.net/${tenant}/`);
    const cards = page.getByRole('region', { name: 'Signing certificates' }).locator('article.certificate');
    expect(await cards.count()).toBe(2);
    expect(await cards.nth(1).getByText('CN=Another IdP').count()).toBeGreaterThan(0);
    const stored = await ui.t.sql<{ idp_entity_id: string; slo_url: string; secondary_certificate: string }>(
      'SELECT idp_entity_id, slo_url, secondary_certificate FROM saml_providers WHERE group_id = ?',
      [imported.id],
    );
    expect(stored).toEqual([
      {
        idp_entity_id: `https://sts.windows.net/${tenant}/`,
        slo_url: `https://login.microsoftonline.com/${tenant}/saml2`,
        secondary_certificate: new X509Certificate(readFileSync(join(projectRoot(), 'test/fixtures/saml/other-cert.pem'))).toString().trim(),
      },
    ]);
    expect(takeProblems()).toEqual({ consoleErrors: [expect.stringMatching(/status of 400/)], pageErrors: [], dialogs: [] });
    await section.scrollIntoViewIfNeeded();
    for (const dir of SCREENSHOT_DIRS) {
      mkdirSync(dir, { recursive: true });
      await section.screenshot({ path: join(dir, 'saml-metadata-import.png') });
    }
    await context.close();
  });
});

describeInBrowser('UI: SAML refusal pages look like the rest of Roster', () => {
  let ui: UiHarness;

  beforeAll(async () => {
    // The IdP's form posts to the ACS URL the response names, so BASE_URL must be the real address.
    const port = await freePort();
    ui = await startUi({ PORT: String(port), BASE_URL: `http://127.0.0.1:${port}` });
    await setUpGroup(ui.t, 'acme');
  });
  afterAll(async () => ui?.close());

  it('a response signed with an untrusted key, posted by a browser, gets the styled page with the header, the reason code, and no script', async () => {
    const { page, context, takeProblems } = await openPage(ui.browser, ui.baseUrl);
    await page.setContent(samlPostFormHtml(groupSp(ui.baseUrl, 'acme'), { nameId: 'someone@acme.test', key: 'other' }));
    const [answer] = await Promise.all([page.waitForNavigation(), page.click('#post')]);
    expect(answer?.status()).toBe(400);
    await page.getByRole('heading', { name: 'SAML sign-in failed', level: 1 }).waitFor();
    expect(await page.title()).toBe('SAML sign-in failed · Roster');
    // The UI's header and stylesheets: not the browser's default serif page.
    expect(await page.locator('header.topbar .brand').textContent()).toBe('Roster');
    const look = await page.evaluate(() => ({
      font: getComputedStyle(document.body).fontFamily,
      background: getComputedStyle(document.body).backgroundColor,
      sheets: Array.from(document.styleSheets).map((s) => new URL(s.href ?? '', location.href).pathname),
      rules: Array.from(document.styleSheets).reduce((n, s) => n + s.cssRules.length, 0),
      scripts: document.scripts.length,
      inlineStyles: document.querySelectorAll('[style], style').length,
    }));
    expect(look.font).toMatch(/system-ui/);
    expect(look.font).not.toMatch(/^serif|Times/);
    expect(look.background).toBe('rgb(245, 246, 248)');
    expect(look.sheets).toEqual(['/css/base.css', '/css/layout.css', '/css/components.css']);
    expect(look.rules).toBeGreaterThan(50);
    expect(look.scripts).toBe(0);
    expect(look.inlineStyles).toBe(0);
    // The reason an owner can look up, and what the person can do.
    expect(await page.locator('.saml-reason code').first().textContent()).toBe('invalid_signature');
    await page.getByRole('heading', { name: 'What you can do', level: 2 }).waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('does not match the certificate configured for this group');
    // Owners are pointed straight at the group's sign-in troubleshooter.
    const troubleshoot = page.getByRole('link', { name: 'troubleshoot this sign-in' });
    expect(await troubleshoot.getAttribute('href')).toMatch(/\/#\/groups\/\d+\/saml\/troubleshoot$/);
    // Chromium logs the page's own 400 as an error; nothing else may fail (a missing stylesheet would).
    expect(takeProblems()).toEqual({ consoleErrors: [expect.stringMatching(/status of 400 .*\/groups\/acme\/-\/saml\/callback\)$/)], pageErrors: [], dialogs: [] });
    await screenshot(page, 'saml-refusal-page', SCREENSHOT_DIRS);
    await context.close();
  });
});
