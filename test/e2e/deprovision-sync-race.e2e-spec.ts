import { oktaUser } from '../support/fixtures.js';
import { Roster, raceGroup, raceInOneAndTwoProcesses } from '../support/race-rosters.js';

const ADMIN = 'roster_pat_deprovision-sync-race-0123456789ab';
const ROUNDS = 15;
const PEOPLE = 8;
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/**
 * People of a SCIM group are deprovisioned (PATCH active false) while the Owner creates the SAML
 * group link naming that group, the two sides through different Rosters. Group sync grants roles
 * to active SCIM identities only, and a deprovisioned person leaves the group: whichever commits
 * first, no inactive identity may end with a membership, and every active one ends with the link's
 * role. Then the same people are reactivated while the link is deleted: each active person ends
 * with the provider's default role, from SCIM provisioning.
 */
async function raceRounds(first: Roster, second: Roster): Promise<void> {
  const admin = { Authorization: `Bearer ${ADMIN}` };
  const path = `deprovision-race-${Date.now().toString(36)}`;
  const { id: groupId, base, scim } = await raceGroup(first, ADMIN, path);
  const active = (value: boolean) => ({ schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value }] });

  const people: string[] = [];
  for (let n = 0; n < PEOPLE; n++) people.push((await first.http().post(`${base}/Users`).set(scim).send(oktaUser()).expect(201)).body.id as string);
  const problems: string[] = [];

  for (let round = 1; round <= ROUNDS; round++) {
    const name = `Deprovision-${round}`;
    await first
      .http()
      .post(`${base}/Groups`)
      .set(scim)
      .send({ displayName: name, members: people.map((value) => ({ value })) })
      .expect(201);
    // The link goes through one Roster, alternating; the PATCHes through both.
    const ownerSide = round % 2 === 0 ? first : second;
    const scimSide = (n: number) => (n % 2 === 0 ? first : second);

    const down = await Promise.all([
      ownerSide.http().post(`/api/v4/groups/${groupId}/saml_group_links`).set(admin).send({ saml_group_name: name, access_level: 30 }),
      ...people.map((id, n) => scimSide(n).http().patch(`${base}/Users/${id}`).set(scim).send(active(false))),
    ]);
    expect(down.map((r) => r.status)).toEqual([201, ...people.map(() => 204)]);
    for (const row of await state(first, groupId)) {
      if (row.active || row.member !== null) problems.push(`round ${round}, deprovisioned while the link was created: user ${row.userId} active=${row.active} member=${row.member}`);
    }

    const up = await Promise.all([
      ownerSide.http().delete(`/api/v4/groups/${groupId}/saml_group_links/${name}`).set(admin),
      ...people.map((id, n) => scimSide(n).http().patch(`${base}/Users/${id}`).set(scim).send(active(true))),
    ]);
    expect(up.map((r) => r.status)).toEqual([204, ...people.map(() => 204)]);
    for (const row of await state(first, groupId)) {
      if (!row.active || row.member !== '10 scim_provisioning') problems.push(`round ${round}, reactivated while the link was deleted: user ${row.userId} active=${row.active} member=${row.member}`);
    }
  }
  expect(problems).toEqual([]);
}

/** Each SCIM identity of the group: whether it is active, and its person's membership ("level source") or null. */
async function state(roster: Roster, groupId: number): Promise<{ userId: number; active: boolean; member: string | null }[]> {
  const rows = await roster.sql<{ user_id: number | string; active: boolean | number; access_level: number | string | null; role_source: string | null }>(
    'SELECT i.user_id, i.active, m.access_level, m.role_source FROM scim_identities i LEFT JOIN members m ON m.group_id = i.group_id AND m.user_id = i.user_id WHERE i.group_id = ? ORDER BY i.user_id',
    [groupId],
  );
  return rows.map((r) => ({
    userId: Number(r.user_id),
    active: r.active === true || Number(r.active) === 1,
    member: r.access_level === null ? null : `${Number(r.access_level)} ${r.role_source}`,
  }));
}

raceInOneAndTwoProcesses(
  'deprovisioning and reactivating people while the link naming their SCIM group changes',
  `no inactive identity keeps a membership and every active one has the role links imply, in each of ${ROUNDS} rounds`,
  { ADMIN_TOKEN: ADMIN },
  raceRounds,
);
