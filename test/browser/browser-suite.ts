import type { Browser } from 'playwright-core';
import { chromiumAvailable, launchChromium, SKIP_MESSAGE } from '../support/browser.js';
import { startTestApp, TestApp } from '../support/test-app.js';

/**
 * `describe` when Debian's Chromium is installed; otherwise the suite is skipped and says why, so
 * `npm test` on a machine without a browser reports a skip rather than a failure.
 */
export function describeInBrowser(name: string, body: () => void): void {
  if (chromiumAvailable()) {
    describe(name, body);
    return;
  }
  describe.skip(name, () => {
    it.skip(SKIP_MESSAGE, () => undefined);
  });
  process.stderr.write(`Browser tests skipped: "${name}": ${SKIP_MESSAGE}\n`);
}

export interface UiHarness {
  t: TestApp;
  browser: Browser;
  baseUrl: string;
  close(): Promise<void>;
}

/** The real app on a fresh database, and a headless Chromium to drive it. */
export async function startUi(env: Record<string, string> = {}): Promise<UiHarness> {
  const t = await startTestApp(env);
  const port = (t.app.getHttpServer().address() as { port: number }).port;
  const browser = await launchChromium();
  return {
    t,
    browser,
    baseUrl: `http://127.0.0.1:${port}`,
    close: async () => {
      await browser.close();
      await t.close();
    },
  };
}
