import { Roster, raceGroup, raceInOneAndTwoProcesses, raceProvision } from '../support/race-rosters.js';
import { groupSp, newSamlId, postSamlResponse } from '../support/test-idp.js';

const ADMIN = 'roster_pat_sign-in-deprovision-0123456789ab';
const BASE_URL = 'http://roster.test';
const ROUNDS = 15;
const PEOPLE = 4;
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/**
 * With SSO enforced, a person the IdP deprovisions (SCIM PATCH active false) signs in at the same
 * moment, through another Roster. A sign-in checks the SCIM identity and adds the membership the
 * deprovision removes: whichever commits first, a deprovisioned person never ends as a member —
 * either the sign-in came first and the deprovision removed what it added, or the sign-in saw the
 * inactive identity and was refused.
 */
async function raceRounds(first: Roster, second: Roster): Promise<void> {
  const path = `sign-in-race-${Date.now().toString(36)}`;
  const group = await raceGroup(first, ADMIN, path, { enforced_sso: true });
  const { id: groupId, base, scim } = group;
  const sp = groupSp(BASE_URL, path);
  const active = (value: boolean) => ({ schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value }] });

  const people: { id: string; email: string }[] = [];
  for (let n = 0; n < PEOPLE; n++) people.push(await raceProvision(first, group));
  const problems: string[] = [];
  const signIns: Record<number, number> = {};
  for (let round = 1; round <= ROUNDS; round++) {
    for (const p of people) await first.http().patch(`${base}/Users/${p.id}`).set(scim).send(active(true)).expect(204);
    await first.sql('DELETE FROM members WHERE group_id = ? AND access_level < 50', [groupId]);
    const [signInSide, scimSide] = round % 2 === 0 ? [first, second] : [second, first];
    const answers = await Promise.all(
      people.flatMap((p) => [
        postSamlResponse(signInSide.http(), sp, { nameId: p.id, email: p.email, assertionId: newSamlId() }),
        // Sent 0, 75 or 150 ms after the sign-in, so either may take the identity's row first.
        delay((round % 3) * 75).then(() => scimSide.http().patch(`${base}/Users/${p.id}`).set(scim).send(active(false))),
      ]),
    );
    for (const [n, p] of people.entries()) {
      const [signIn, deprovision] = [answers[2 * n], answers[2 * n + 1]];
      signIns[signIn.status] = (signIns[signIn.status] ?? 0) + 1;
      if (deprovision.status !== 204 || ![303, 403].includes(signIn.status)) problems.push(`round ${round}, ${p.id}: sign-in ${signIn.status}, deprovision ${deprovision.status}`);
      const rows = await first.sql<{ active: boolean | number; member: number | string | null }>(
        'SELECT i.active, (SELECT COUNT(*) FROM members m WHERE m.group_id = i.group_id AND m.user_id = i.user_id) AS member FROM scim_identities i WHERE i.group_id = ? AND i.extern_uid = ?',
        [groupId, p.id],
      );
      const [row] = rows;
      if (row.active === true || Number(row.active) === 1 || Number(row.member) !== 0)
        problems.push(`round ${round}, ${p.id}: active=${row.active} member=${row.member} after sign-in ${signIn.status}`);
    }
  }
  console.log(`sign-in vs deprovision: ${ROUNDS} rounds × ${PEOPLE} people; sign-in answers ${JSON.stringify(signIns)}`);
  expect(problems).toEqual([]);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

raceInOneAndTwoProcesses(
  'a person signs in while the IdP deprovisions them (SSO enforced)',
  `no deprovisioned person ends as a member, in each of ${ROUNDS} rounds`,
  { ADMIN_TOKEN: ADMIN, BASE_URL },
  raceRounds,
);
