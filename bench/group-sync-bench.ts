import { groupSp, samlResponse } from '../test/support/test-idp.js';
import { AdminClient } from './admin-setup.js';
import type { BenchDatabase } from './bench-database.js';
import { openBulkWriter } from './bulk-writer.js';
import { bigGroupPerson } from './dataset-names.js';
import { seedDataset } from './seed-dataset.js';
import { RosterServer } from './server-process.js';

/**
 * Group sync scenarios (docs/group-sync.md, the "Scale and speed"): sequential requests
 * against one server, each timed from the client, so each figure is one request's latency.
 *
 * - a PATCH adding 1,000 members to a linked SCIM group in one request;
 * - adding then removing one member of a SCIM group of 1,000 and of `members` (100,000) members;
 * - `GET /Groups/:id?excludedAttributes=members` of the big group;
 * - a SAML sign-in whose assertion carries 50 group names (25 of them linked), against the same
 *   sign-in without the attribute.
 */
export interface GroupSyncBenchResult {
  members: number;
  bulkAdd1000Ms: number[];
  addRemoveOne: { members: number; addP50Ms: number; removeP50Ms: number }[];
  addRemoveRatio: number;
  getExcludedMembers: { p50Ms: number; p95Ms: number; requests: number };
  signIn: { withoutGroupsP50Ms: number; with50GroupsP50Ms: number; addedMs: number; requests: number };
}

const SCIM_JSON = 'application/scim+json';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ROUNDS = 100;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function timed(url: string, init: RequestInit, expected: number): Promise<number> {
  const started = performance.now();
  const response = await fetch(url, init);
  await response.arrayBuffer();
  const ms = performance.now() - started;
  if (response.status !== expected) throw new Error(`${init.method ?? 'GET'} ${url} → ${response.status}, expected ${expected}`);
  return ms;
}

export async function runGroupSyncBench(root: string, database: BenchDatabase, adminToken: string, members: number, log: (m: string) => void): Promise<GroupSyncBenchResult> {
  let server: RosterServer | undefined;
  try {
    server = (await RosterServer.start({ root, databaseUrl: database.url, adminToken })).server;
    const admin = new AdminClient(server.url, adminToken);
    const group = await admin.setUpGroup(root, 'sync', true);
    for (const name of ['Big', 'Small', 'Bulk-1', 'Bulk-2', 'Bulk-3']) await admin.call('POST', `/api/v4/groups/${group.id}/saml_group_links`, { saml_group_name: name, access_level: 30 });
    for (let n = 1; n <= 25; n++) await admin.call('POST', `/api/v4/groups/${group.id}/saml_group_links`, { saml_group_name: `team-${n}`, access_level: n % 2 === 0 ? 30 : 20 });
    await server.stop();
    server = undefined;

    // People 1..members+ROUNDS in the group's SCIM scope; SCIM groups "Big" (1..members) and "Small" (1..1000).
    log(`group sync: seeding ${members.toLocaleString('en-US')} people and two SCIM groups`);
    const before = await openBulkWriter(database);
    const firstIdentity = (await before.maxId('scim_identities')) + 1;
    await before.abort();
    await seedDataset(database, [{ id: group.id, size: members + ROUNDS, person: bigGroupPerson, withMismatches: false }]);
    const writer = await openBulkWriter(database);
    const now = new Date().toISOString();
    const scopeKey = `group:${group.id}`;
    const seedGroups = [
      { id: 1, name: 'Big', size: members, resourceId: '00000000-0000-4000-8000-00000000b16a' },
      { id: 2, name: 'Small', size: 1000, resourceId: '00000000-0000-4000-8000-0000000005a1' },
    ];
    await writer.insert(
      'scim_groups',
      ['id', 'group_id', 'scope_key', 'resource_id', 'display_name', 'display_name_lower', 'external_id', 'member_count', 'version', 'created_at', 'updated_at'],
      seedGroups.map((g) => [g.id, group.id, scopeKey, g.resourceId, g.name, g.name.toLowerCase(), null, g.size, 1, now, now]),
    );
    let memberRow = 1;
    for (const g of seedGroups) {
      for (let start = 0; start < g.size; start += 5000) {
        const rows = [];
        for (let i = start; i < Math.min(start + 5000, g.size); i++) rows.push([memberRow++, g.id, firstIdentity + i, now]);
        await writer.insert('scim_group_members', ['id', 'scim_group_id', 'identity_id', 'created_at'], rows);
      }
    }
    await writer.finish(['scim_groups', 'scim_group_members']);

    server = (await RosterServer.start({ root, databaseUrl: database.url, adminToken })).server;
    const base = `${server.url}/api/scim/v2/groups/${group.path}`;
    const scimHeaders = { Authorization: `Bearer ${group.scimToken!}`, 'Content-Type': SCIM_JSON };
    const patch = (resourceId: string, operation: unknown) =>
      timed(`${base}/Groups/${resourceId}`, { method: 'PATCH', headers: scimHeaders, body: JSON.stringify({ schemas: [PATCH_OP], Operations: [operation] }) }, 204);
    const uid = (index: number) => bigGroupPerson(index).externalId;

    log('group sync: PATCH adding 1,000 members (3 times, each a new linked SCIM group)');
    const bulkAdd1000Ms: number[] = [];
    for (const name of ['Bulk-1', 'Bulk-2', 'Bulk-3']) {
      const created = await fetch(`${base}/Groups`, { method: 'POST', headers: scimHeaders, body: JSON.stringify({ displayName: name, members: [] }) });
      const { id } = (await created.json()) as { id: string };
      const value = Array.from({ length: 1000 }, (_, i) => ({ value: uid(i + 1) }));
      bulkAdd1000Ms.push(await patch(id, { op: 'add', path: 'members', value }));
    }

    log(`group sync: add + remove one member, ${ROUNDS} times, at 1,000 and ${members.toLocaleString('en-US')} members`);
    const addRemoveOne: GroupSyncBenchResult['addRemoveOne'] = [];
    for (const g of [seedGroups[1], seedGroups[0]]) {
      const adds: number[] = [];
      const removes: number[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        const outsider = uid(members + 1 + r);
        adds.push(await patch(g.resourceId, { op: 'add', path: 'members', value: [{ value: outsider }] }));
        removes.push(await patch(g.resourceId, { op: 'remove', path: `members[value eq "${outsider}"]` }));
      }
      addRemoveOne.push({ members: g.size, addP50Ms: percentile(adds, 50), removeP50Ms: percentile(removes, 50) });
    }
    const small = addRemoveOne[0];
    const big = addRemoveOne[1];
    const addRemoveRatio = (big.addP50Ms + big.removeP50Ms) / (small.addP50Ms + small.removeP50Ms);

    log('group sync: GET the big group with excludedAttributes=members');
    const reads: number[] = [];
    for (let r = 0; r < 300; r++) reads.push(await timed(`${base}/Groups/${seedGroups[0].resourceId}?excludedAttributes=members`, { headers: { Authorization: scimHeaders.Authorization } }, 200));

    log('group sync: SAML sign-ins with and without 50 group names');
    // The server's BASE_URL is its default, http://localhost:<port>: the SP entity id is built from it.
    const sp = groupSp(server.url.replace('//127.0.0.1', '//localhost'), group.path);
    const names = Array.from({ length: 50 }, (_, i) => `team-${i + 1}`);
    const signIn = async (index: number, groups?: string[]) => {
      const person = bigGroupPerson(index);
      const form = new URLSearchParams({
        SAMLResponse: samlResponse(sp, { nameId: person.externalId, email: person.email, ...(groups ? { attributes: { groups } } : {}) }),
      });
      return timed(`${server!.url}${sp.acsPath}`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: form.toString(), redirect: 'manual' }, 303);
    };
    const without: number[] = [];
    const with50: number[] = [];
    for (let r = 0; r < 50; r++) {
      without.push(await signIn(2000 + r));
      with50.push(await signIn(3000 + r, names));
    }
    const withoutP50 = percentile(without, 50);
    const withP50 = percentile(with50, 50);
    await server.stop();
    server = undefined;
    return {
      members,
      bulkAdd1000Ms,
      addRemoveOne,
      addRemoveRatio,
      getExcludedMembers: { p50Ms: percentile(reads, 50), p95Ms: percentile(reads, 95), requests: reads.length },
      signIn: { withoutGroupsP50Ms: withoutP50, with50GroupsP50Ms: withP50, addedMs: withP50 - withoutP50, requests: without.length },
    };
  } finally {
    server?.kill();
  }
}

export function groupSyncTable(r: GroupSyncBenchResult): string {
  const f = (ms: number) => `${ms.toFixed(1)} ms`;
  const lines = [
    '| group sync scenario | measured | target |',
    '|---|---|---|',
    `| PATCH adding 1,000 members in one request (3 runs) | ${r.bulkAdd1000Ms.map(f).join(', ')} | < 1 s (SQLite) |`,
    ...r.addRemoveOne.map((a) => `| add / remove one member at ${a.members.toLocaleString('en-US')} members (p50) | ${f(a.addP50Ms)} / ${f(a.removeP50Ms)} | — |`),
    `| ratio ${r.members.toLocaleString('en-US')} vs 1,000 (add + remove) | ${r.addRemoveRatio.toFixed(2)} | ≤ 1.5 |`,
    `| GET /Groups/:id?excludedAttributes=members at ${r.members.toLocaleString('en-US')} members (p50 / p95, ${r.getExcludedMembers.requests} requests) | ${f(r.getExcludedMembers.p50Ms)} / ${f(r.getExcludedMembers.p95Ms)} | < 10 ms p50 |`,
    `| SAML sign-in p50 without / with 50 group names (${r.signIn.requests} each) | ${f(r.signIn.withoutGroupsP50Ms)} / ${f(r.signIn.with50GroupsP50Ms)} (+${f(r.signIn.addedMs)}) | reported |`,
  ];
  return lines.join('\n');
}
