import { jest } from '@jest/globals';
import { systemActor } from '../../src/common/actor.js';
import { Database } from '../../src/database/database.service.js';
import { MembershipService } from '../../src/groups/membership.service.js';
import { addMember, createPerson } from '../support/admin-people.js';
import { createGroup } from '../support/fixtures.js';
import { startTestApp, TestApp } from '../support/test-app.js';

/**
 * Group sync decides on the membership it read after its lock, but a SCIM POST that links an
 * existing account and a sign-in's default role add memberships without that lock. When the person
 * it found without a membership has one by the time the grant is applied, the grant applies to that
 * membership (kept as the base role), instead of being reported as an addition that did not happen.
 */
describe('group sync applies a grant to a membership added since it read', () => {
  jest.setTimeout(60_000);
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  it('updates the membership added meanwhile to the granted role, keeping it as the base, and audits an update', async () => {
    const groupId = await createGroup(t, 'apply-after-add');
    const person = await createPerson(t, 'applied');
    // Group sync read "no membership"; then someone else added the person at Reporter.
    await addMember(t, groupId, person.id, 20);
    const membership = t.app.get(MembershipService);
    const outcome = await t.app
      .get(Database)
      .transaction((tx) => membership.applySync(tx, systemActor(), groupId, { id: person.id, username: person.username }, null, { level: 30, links: ['Engineering'] }, 'restore'));
    expect(outcome).toBe('updated');
    const [row] = await t.sql<Record<string, unknown>>('SELECT access_level, role_source, base_access_level, base_role_source, sync_links FROM members WHERE group_id = ? AND user_id = ?', [
      groupId,
      person.id,
    ]);
    expect({ ...row, access_level: Number(row.access_level), base_access_level: Number(row.base_access_level) }).toEqual({
      access_level: 30,
      role_source: 'group_sync',
      base_access_level: 20,
      base_role_source: 'manual',
      sync_links: '["Engineering"]',
    });
    const events = await t.sql<{ event_name: string }>("SELECT event_name FROM audit_events WHERE group_id = ? AND target_id = ? AND event_name LIKE 'member_%' ORDER BY id", [groupId, person.id]);
    expect(events.map((e) => e.event_name)).toEqual(['member_added', 'member_role_updated_by_group_sync']);
  });
});
