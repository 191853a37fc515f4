import { Roster, raceGroup, raceInOneAndTwoProcesses, raceProvision } from '../support/race-rosters.js';

const ADMIN = 'roster_pat_owner-reactivation-0123456789ab';
const ROUNDS = 15;
const OWNER = 50;
const LINK_LEVEL = 30;
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/**
 * The group's only two Owners are both reactivated by SCIM at once, each through its own Roster,
 * while a SAML group link gives both a lower role. Reactivations of different people run side by
 * side (group sync's shared lock), but demoting an Owner counts the Owners alone: one is demoted
 * to the link's role, the other stays the last Owner — never none. Then both are deprovisioned at
 * once: one leaves, the other is refused (412) as the last Owner and keeps everything.
 */
async function raceRounds(first: Roster, second: Roster): Promise<void> {
  const admin = { Authorization: `Bearer ${ADMIN}` };
  const path = `owner-race-${Date.now().toString(36)}`;
  const group = await raceGroup(first, ADMIN, path);
  const { id: groupId, base, scim } = group;

  const owners = [await raceProvision(first, group), await raceProvision(first, group)];
  for (const o of owners) await first.http().put(`/api/v4/groups/${groupId}/members/${o.userId}`).set(admin).send({ access_level: OWNER }).expect(200);
  // The admin who created the group leaves it: the two SCIM people are its only Owners.
  const [creator] = await first.sql<{ user_id: number | string }>('SELECT user_id FROM members WHERE group_id = ? AND user_id NOT IN (?, ?)', [groupId, owners[0].userId, owners[1].userId]);
  await first
    .http()
    .delete(`/api/v4/groups/${groupId}/members/${Number(creator.user_id)}`)
    .set(admin)
    .expect(204);
  await first
    .http()
    .post(`${base}/Groups`)
    .set(scim)
    .send({ displayName: 'Engineering', members: owners.map((o) => ({ value: o.id })) })
    .expect(201);

  const problems: string[] = [];
  /** Makes both people Owners set by hand again, as every phase of a round starts. */
  const bothOwners = () =>
    first.sql("UPDATE members SET access_level = 50, role_source = 'manual', base_access_level = NULL, base_role_source = NULL, sync_links = NULL WHERE group_id = ?", [groupId]);
  /** PATCHes both people's `active` at once, the first Owner's through `sides[0]`, the second's through `sides[1]`. */
  const setActiveAtOnce = (sides: [Roster, Roster], value: boolean) =>
    Promise.all(
      owners.map((o, n) =>
        sides[n]
          .http()
          .patch(`${base}/Users/${o.id}`)
          .set(scim)
          .send({ schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value }] }),
      ),
    );
  for (let round = 1; round <= ROUNDS; round++) {
    await first.http().delete(`/api/v4/groups/${groupId}/saml_group_links/Engineering`).set(admin);
    // Both Owners, both identities inactive: a state the admin API reaches by adding people whose
    // IdP assignment ended; written directly here so every round starts from it.
    await bothOwners();
    await first.sql('UPDATE scim_identities SET active = ? WHERE group_id = ?', [false, groupId]);
    // Grants go to active identities only: the link changes nobody yet.
    await first.http().post(`/api/v4/groups/${groupId}/saml_group_links`).set(admin).send({ saml_group_name: 'Engineering', access_level: LINK_LEVEL }).expect(201);

    const answers = await setActiveAtOnce([first, second], true);
    const levels = (await first.sql<{ access_level: number | string }>('SELECT access_level FROM members WHERE group_id = ? ORDER BY access_level', [groupId])).map((r) => Number(r.access_level));
    const statuses = answers.map((a) => a.status);
    if (statuses.some((s) => s !== 204) || levels.join() !== `${LINK_LEVEL},${OWNER}`) problems.push(`round ${round}: reactivations ${JSON.stringify(statuses)}, roles ${levels.join()}`);

    // Both Owners again, both deprovisioned at once: one leaves, the other is refused as the last
    // Owner, and the refused change left nothing behind (identity still active).
    await bothOwners();
    const leaving = await setActiveAtOnce([second, first], false);
    const left = leaving.map((a) => a.status);
    const rows = await first.sql<{ active: boolean | number; member: number | string }>(
      'SELECT i.active, (SELECT COUNT(*) FROM members m WHERE m.group_id = i.group_id AND m.user_id = i.user_id AND m.access_level = 50) AS member FROM scim_identities i WHERE i.group_id = ? ORDER BY i.id',
      [groupId],
    );
    const state = rows.map((r) => `${r.active === true || Number(r.active) === 1 ? 'active' : 'inactive'} ${Number(r.member) === 1 ? 'Owner' : 'gone'}`);
    const winner = left.indexOf(204);
    const consistent = [...left].sort().join() === '204,412' && state[winner] === 'inactive gone' && state[1 - winner] === 'active Owner';
    if (!consistent) problems.push(`round ${round}: deprovisions ${JSON.stringify(left)}, identities ${JSON.stringify(state)}`);
  }
  expect(problems).toEqual([]);
}

raceInOneAndTwoProcesses('the two last Owners reactivated at once while a link demotes them', `exactly one Owner remains, in each of ${ROUNDS} rounds`, { ADMIN_TOKEN: ADMIN }, raceRounds);
