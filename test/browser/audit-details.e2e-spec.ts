import { jest } from '@jest/globals';
import { DESKTOP, PHONE, SCREENSHOT_DIRS, horizontalOverflow, openPage, screenshot, settled, signInThroughUi } from '../support/browser.js';
import { adminAuth, setUpGroup } from '../support/fixtures.js';
import type { GroupSetup } from '../support/fixtures.js';
import { ADMIN_TOKEN } from '../support/test-app.js';
import { describeInBrowser, startUi, UiHarness } from './browser-suite.js';

jest.setTimeout(90_000);

describeInBrowser('UI: readable audit details', () => {
  let ui: UiHarness;
  let group: GroupSetup;

  beforeAll(async () => {
    ui = await startUi();
    group = await setUpGroup(ui.t, 'audited');
    await ui.t.http().put(`/api/v4/groups/${group.id}/saml_provider`).set(adminAuth).send({ enforced_sso: true }).expect(200);
  });
  afterAll(async () => ui?.close());

  it('shows a settings change as a before/after table with one naming style, and no table overflows at 1280 or 390 px', async () => {
    const { page, context, takeProblems } = await openPage(ui.browser, ui.baseUrl);
    await signInThroughUi(page, ADMIN_TOKEN);
    await page.goto(`/#/groups/${group.id}/audit-events`);
    await settled(page);
    const row = page.getByRole('row').filter({ hasText: 'saml_provider_updated' }).first();
    const change = row.getByRole('table', { name: 'Changed fields' });
    await change.waitFor();
    // Only the field that changed, named as the API names it.
    expect(await change.getByRole('row').allTextContents()).toEqual(['FieldBeforeAfter', 'enforced ssofalsetrue']);
    // The creator's membership names them.
    await page.getByRole('row').filter({ hasText: 'member_added' }).getByText('root', { exact: true }).waitFor();
    await screenshot(page, 'audit-details', SCREENSHOT_DIRS, 1400);

    for (const viewport of [DESKTOP, PHONE]) {
      await page.setViewportSize(viewport);
      await settled(page);
      const overflowing = await page.evaluate(() =>
        Array.from(document.querySelectorAll<HTMLElement>('table, [role="table"]'))
          .filter((t) => t.scrollWidth > t.clientWidth + 1 || t.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
          .map((t) => t.className),
      );
      expect({ width: viewport.width, overflowing }).toEqual({ width: viewport.width, overflowing: [] });
      expect(await horizontalOverflow(page)).toBe(0);
    }
    expect(takeProblems()).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [] });
    await context.close();
  });
});
