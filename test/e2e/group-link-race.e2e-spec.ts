import { Roster, raceGroup, raceInOneAndTwoProcesses, raceProvision } from '../support/race-rosters.js';

const ADMIN = 'roster_pat_group-link-race-0123456789abcdef';
const ROUNDS = 15;
const LINK_LEVEL = 30;
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/**
 * A SCIM group gains a person at the moment the group's Owner creates the SAML group link that
 * names it, each through its own Roster. Whichever commits first, the person ends with the link's
 * role: the link's recomputation must see the membership, or the membership change must see the
 * link (docs/group-sync.md, "Locks"). And the reverse: the person leaves the SCIM group while the
 * link is deleted — no role from a link that is gone. A new person and a new name every round.
 */
async function raceRounds(first: Roster, second: Roster): Promise<void> {
  const admin = { Authorization: `Bearer ${ADMIN}` };
  const path = `link-race-${Date.now().toString(36)}`;
  const group = await raceGroup(first, ADMIN, path);
  const { id: groupId, base, scim } = group;
  const roleOf = async (userId: number) =>
    (await first.sql<{ access_level: number | string; role_source: string }>('SELECT access_level, role_source FROM members WHERE group_id = ? AND user_id = ?', [groupId, userId])).map(
      (r) => `${Number(r.access_level)} ${r.role_source}`,
    );

  const stale: string[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const name = `Engineering-${round}`;
    const { id: personId, userId } = await raceProvision(first, group);
    const scimGroup = await first.http().post(`${base}/Groups`).set(scim).send({ displayName: name, members: [] }).expect(201);
    const patch = (op: 'Add' | 'Remove') => ({ schemas: [PATCH_OP], Operations: [{ op, path: 'members', value: [{ value: personId }] }] });
    // Which side goes through which Roster alternates.
    const [scimSide, ownerSide] = round % 2 === 0 ? [first, second] : [second, first];

    const joined = await Promise.all([
      scimSide.http().patch(`${base}/Groups/${scimGroup.body.id}`).set(scim).send(patch('Add')),
      ownerSide.http().post(`/api/v4/groups/${groupId}/saml_group_links`).set(admin).send({ saml_group_name: name, access_level: LINK_LEVEL }),
    ]);
    expect(joined.map((r) => r.status)).toEqual([204, 201]);
    const afterJoin = await roleOf(userId);
    if (afterJoin.join() !== `${LINK_LEVEL} group_sync`) stale.push(`round ${round}, added while the link was created: ${afterJoin.join() || 'no membership'}`);

    const left = await Promise.all([
      scimSide.http().patch(`${base}/Groups/${scimGroup.body.id}`).set(scim).send(patch('Remove')),
      ownerSide.http().delete(`/api/v4/groups/${groupId}/saml_group_links/${name}`).set(admin),
    ]);
    expect(left.map((r) => r.status)).toEqual([204, 204]);
    const afterLeave = await roleOf(userId);
    // Back to the provider's default role (Guest, 10) from SCIM provisioning.
    if (afterLeave.join() !== '10 scim_provisioning') stale.push(`round ${round}, removed while the link was deleted: ${afterLeave.join() || 'no membership'}`);
  }
  expect(stale).toEqual([]);
}

raceInOneAndTwoProcesses(
  'a SCIM group change and its SAML group link change at once',
  `the person ends with the role the final memberships and links imply in each of ${ROUNDS} rounds`,
  { ADMIN_TOKEN: ADMIN },
  raceRounds,
);
