import { jest } from '@jest/globals';
import type { Page } from 'playwright-core';
import { openPage, settled, signInThroughUi } from '../support/browser.js';
import { auth, setUpGroup, setUpInstance } from '../support/fixtures.js';
import type { GroupSetup } from '../support/fixtures.js';
import { addMember, createPerson, provision } from '../support/admin-people.js';
import { ADMIN_TOKEN } from '../support/test-app.js';
import { describeInBrowser, startUi, UiHarness } from './browser-suite.js';

jest.setTimeout(240_000);

/** What a person sees of a list: the address, the filter values, the position and the first row. */
async function listState(page: Page) {
  return page.evaluate(() => ({
    hash: location.hash,
    fields: Array.from(document.querySelectorAll<HTMLInputElement | HTMLSelectElement>('.filter-form input, .filter-form select')).map((f) => `${f.name}=${f.value}`),
    position: document.querySelector('.pager-position')?.textContent ?? '',
    status: document.querySelector('.list-status')?.textContent ?? '',
    firstRow: document.querySelector('.list-body tbody tr')?.textContent ?? '',
  }));
}

async function settledAt(page: Page, hash: string) {
  await page.waitForFunction((h) => location.hash === h, hash);
  await settled(page);
}

interface ListCase {
  name: string;
  url: (g: GroupSetup) => string;
  /** Sets a filter through the form (null: the list has none). */
  filter: ((page: Page) => Promise<void>) | null;
}

const submit = (label: string) => async (page: Page) => page.locator('.filter-form').getByRole('button', { name: label }).click();

const CASES: ListCase[] = [
  {
    name: 'group members (search, keyset page)',
    url: (g) => `/#/groups/${g.id}/saml/members`,
    filter: async (page) => {
      await page.getByLabel('Search members').fill('acme.com');
      await submit('Search')(page);
    },
  },
  {
    name: 'group audit events (event filter, keyset page)',
    url: (g) => `/#/groups/${g.id}/audit-events`,
    filter: async (page) => {
      await page.getByLabel('Event', { exact: true }).selectOption('user_provisioned_by_scim');
      await submit('Filter')(page);
    },
  },
  {
    name: 'group SCIM requests (status filter, page)',
    url: (g) => `/#/groups/${g.id}/scim-requests`,
    filter: async (page) => {
      await page.getByLabel('Status', { exact: true }).selectOption('201');
      await submit('Filter')(page);
    },
  },
  { name: 'identity mismatches (page)', url: (g) => `/#/groups/${g.id}/saml/mismatches`, filter: null },
  {
    name: 'admin users (search, keyset page)',
    url: () => '/#/admin/users',
    filter: async (page) => {
      await page.getByLabel('Search users').fill('people.test');
      await submit('Search')(page);
    },
  },
  {
    name: 'admin audit events (event filter and dates, keyset page)',
    url: () => '/#/admin/audit-events',
    filter: async (page) => {
      await page.getByLabel('Event', { exact: true }).selectOption('member_added');
      await page.getByLabel('From', { exact: true }).fill('2020-01-01');
      await submit('Filter')(page);
    },
  },
  {
    name: 'admin SCIM requests (status filter, page)',
    url: () => '/#/admin/scim-requests',
    filter: async (page) => {
      await page.getByLabel('Status', { exact: true }).selectOption('404');
      await submit('Filter')(page);
    },
  },
  {
    name: 'email outbox (status filter, page)',
    url: () => '/#/admin/email-outbox',
    filter: async (page) => {
      await page.getByLabel('Status', { exact: true }).selectOption('pending');
      await submit('Show')(page);
    },
  },
];

describeInBrowser('UI: every list keeps its filters and page in the address', () => {
  let ui: UiHarness;
  let group: GroupSetup;

  beforeAll(async () => {
    ui = await startUi();
    group = await setUpGroup(ui.t, 'acme');
    // 22 provisioned people (members, audit events, SCIM requests, welcome emails), 22 people added
    // by hand who are not linked to SAML (identity mismatches, users), 22 unknown ids asked of the
    // instance SCIM API (its request log): more than one page of 20 in every list.
    for (let i = 0; i < 22; i += 1) await provision(ui.t, group);
    for (let i = 0; i < 22; i += 1) {
      const person = await createPerson(ui.t, 'paged');
      await addMember(ui.t, group.id, person.id, 30);
    }
    const instance = await setUpInstance(ui.t);
    for (let i = 0; i < 22; i += 1) await ui.t.http().get(`${instance.base}/Users/unknown-${i}`).set(auth(instance.scimToken)).expect(404);
  });
  afterAll(async () => ui?.close());

  it.each(CASES.map((c) => [c.name, c] as const))('%s: reload keeps the state, Back returns to the one before', async (_name, c) => {
    const { page, context, takeProblems } = await openPage(ui.browser, ui.baseUrl);
    await signInThroughUi(page, ADMIN_TOKEN);
    await page.goto(c.url(group));
    await settled(page);
    const start = await listState(page);
    expect(start.position).toMatch(/^Page 1 of /);

    const history = [start];
    if (c.filter) {
      await c.filter(page);
      await page.waitForFunction((h) => location.hash !== h, start.hash);
      await settled(page);
      const filtered = await listState(page);
      expect(filtered.fields).not.toEqual(start.fields);
      expect(filtered.position).toMatch(/^Page 1 of [2-9]/);
      history.push(filtered);
    }
    const before = history.at(-1)!;
    await page.locator('.pager').getByRole('button', { name: 'Next page' }).click();
    await page.waitForFunction((h) => location.hash !== h, before.hash);
    await settled(page);
    const second = await listState(page);
    expect(second.position).toMatch(/^Page 2 of /);
    expect(second.firstRow).not.toEqual(before.firstRow);
    expect(second.fields).toEqual(before.fields);

    await page.reload();
    await settledAt(page, second.hash);
    expect(await listState(page)).toEqual(second);

    // Forward from the first entry leads to the one after it.
    const forward = history[1]?.hash ?? second.hash;
    for (const previous of [...history].reverse()) {
      await page.goBack();
      await settledAt(page, previous.hash);
      expect(await listState(page)).toEqual(previous);
    }
    await page.goForward();
    await settledAt(page, forward);
    expect(takeProblems()).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [] });
    await context.close();
  });

  it('a cursor the server does not accept, typed into the address, falls back to the first page', async () => {
    const { page, context } = await openPage(ui.browser, ui.baseUrl);
    await signInThroughUi(page, ADMIN_TOKEN);
    await page.goto(`/#/groups/${group.id}/saml/members?search=acme.com&page=3&after=not-a-cursor`);
    await settledAt(page, '#/groups/' + group.id + '/saml/members?search=acme.com');
    const state = await listState(page);
    expect(state.position).toMatch(/^Page 1 of /);
    expect(state.fields).toEqual(['search=acme.com']);
    await context.close();
  });
});
