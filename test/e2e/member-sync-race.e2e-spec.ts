import { Roster, raceGroup, raceInOneAndTwoProcesses, raceProvision } from '../support/race-rosters.js';

const ADMIN = 'roster_pat_member-sync-race-0123456789abcdef';
const ROUNDS = 15;
const PEOPLE = 6;
const LINK_LEVEL = 30;
const MANUAL_LEVEL = 20;

/**
 * An admin changes members' roles by hand while the Owner creates the SAML group link that gives
 * them a role through their SCIM group, the two through different Rosters. A manual change to a
 * role managed by group sync is refused (docs/group-sync.md), so whichever commits first every
 * person ends with the link's role from group sync: a change made before the link is kept as the
 * base role (what the person goes back to without the link), one made after is refused with 409.
 * Then the link is deleted while the admin removes the same people: each ends either removed (204)
 * or back at the base role (409), never at a synced role from a link that is gone.
 */
async function raceRounds(first: Roster, second: Roster): Promise<void> {
  const admin = { Authorization: `Bearer ${ADMIN}` };
  const path = `member-race-${Date.now().toString(36)}`;
  const group = await raceGroup(first, ADMIN, path);
  const { id: groupId, base, scim } = group;
  const problems: string[] = [];

  for (let round = 1; round <= ROUNDS; round++) {
    const name = `Manual-${round}`;
    const people: { id: string; userId: number }[] = [];
    for (let n = 0; n < PEOPLE; n++) people.push(await raceProvision(first, group));
    await first
      .http()
      .post(`${base}/Groups`)
      .set(scim)
      .send({ displayName: name, members: people.map((p) => ({ value: p.id })) })
      .expect(201);
    const ownerSide = round % 2 === 0 ? first : second;
    const adminSide = (n: number) => (n % 2 === 0 ? second : first);

    const [link, ...changes] = await Promise.all([
      ownerSide.http().post(`/api/v4/groups/${groupId}/saml_group_links`).set(admin).send({ saml_group_name: name, access_level: LINK_LEVEL }),
      ...people.map((p, n) => adminSide(n).http().put(`/api/v4/groups/${groupId}/members/${p.userId}`).set(admin).send({ access_level: MANUAL_LEVEL })),
    ]);
    expect(link.status).toBe(201);
    for (const [n, person] of people.entries()) {
      const status = changes[n].status;
      const row = await membership(first, groupId, person.userId);
      // 200: the manual role came first and is the base; 409: the link came first and the change was refused.
      const expected = status === 200 ? `${LINK_LEVEL} group_sync base ${MANUAL_LEVEL} manual` : status === 409 ? `${LINK_LEVEL} group_sync base 10 scim_provisioning` : `status ${status}`;
      if (row !== expected) problems.push(`round ${round}, role changed while the link was created (${status}): user ${person.userId} is ${row}, expected ${expected}`);
    }

    const [unlink, ...removals] = await Promise.all([
      ownerSide.http().delete(`/api/v4/groups/${groupId}/saml_group_links/${name}`).set(admin),
      ...people.map((p, n) => adminSide(n).http().delete(`/api/v4/groups/${groupId}/members/${p.userId}`).set(admin)),
    ]);
    expect(unlink.status).toBe(204);
    for (const [n, person] of people.entries()) {
      const status = removals[n].status;
      const row = await membership(first, groupId, person.userId);
      const before = changes[n].status === 200 ? `${MANUAL_LEVEL} manual` : '10 scim_provisioning';
      const expected = status === 204 ? 'none' : status === 409 ? `${before} base none` : `status ${status}`;
      if (row !== expected) problems.push(`round ${round}, removed while the link was deleted (${status}): user ${person.userId} is ${row}, expected ${expected}`);
    }
  }
  expect(problems).toEqual([]);
}

/** "level source base level source" of a membership, or "none". */
async function membership(roster: Roster, groupId: number, userId: number): Promise<string> {
  const [row] = await roster.sql<{ access_level: number | string; role_source: string; base_access_level: number | string | null; base_role_source: string | null }>(
    'SELECT access_level, role_source, base_access_level, base_role_source FROM members WHERE group_id = ? AND user_id = ?',
    [groupId, userId],
  );
  if (!row) return 'none';
  const baseRole = row.base_access_level === null ? 'none' : `${Number(row.base_access_level)} ${row.base_role_source}`;
  return `${Number(row.access_level)} ${row.role_source} base ${baseRole}`;
}

raceInOneAndTwoProcesses(
  'manual member changes while the SAML group link that manages those members changes',
  `a role managed by group sync is never overwritten by hand, in each of ${ROUNDS} rounds`,
  { ADMIN_TOKEN: ADMIN },
  raceRounds,
);
