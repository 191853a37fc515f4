import { Roster, raceGroup, raceInOneAndTwoProcesses, raceProvision } from '../support/race-rosters.js';

const ADMIN = 'roster_pat_mismatch-resolve-race-0123456789';
const ROUNDS = 15;
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/**
 * An Owner resolves a person's identity mismatch with the SCIM id the report showed, while the IdP
 * moves that person's SCIM id (PATCH externalId) through another Roster. The IdP's change is never
 * undone: whichever comes first, the SCIM identity ends with the IdP's new id — the resolution
 * either came first (and the SAML identity followed the move) or is refused: 400 when the request
 * read the moved row already (the value is no longer offered), 409 when it read the row before.
 */
async function raceRounds(first: Roster, second: Roster): Promise<void> {
  const admin = { Authorization: `Bearer ${ADMIN}` };
  const path = `resolve-race-${Date.now().toString(36)}`;
  const group = await raceGroup(first, ADMIN, path);
  const { id: groupId, base, scim } = group;
  const problems: string[] = [];
  const outcomes: Record<string, number> = {};

  for (let round = 1; round <= ROUNDS; round++) {
    const { id: before, userId } = await raceProvision(first, group);
    // The SAML identity drifts from the SCIM one: the report shows both values.
    await first
      .http()
      .patch(`/api/v4/groups/${groupId}/saml/${before}`)
      .set(admin)
      .send({ extern_uid: `${before}-saml` })
      .expect(200);
    const moved = `${before}-moved`;
    const [resolveSide, scimSide] = round % 2 === 0 ? [first, second] : [second, first];

    const [resolved, patched] = await Promise.all([
      resolveSide.http().post(`/api/v4/groups/${groupId}/identity_mismatches/${userId}/resolve`).set(admin).send({ extern_uid: before }),
      scimSide
        .http()
        .patch(`${base}/Users/${before}`)
        .set(scim)
        .send({ schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'externalId', value: moved }] }),
    ]);
    outcomes[`${resolved.status}/${patched.status}`] = (outcomes[`${resolved.status}/${patched.status}`] ?? 0) + 1;
    const [stored] = await first.sql<{ scim: string; saml: string }>(
      'SELECT s.extern_uid AS scim, m.extern_uid AS saml FROM scim_identities s JOIN saml_identities m ON m.group_id = s.group_id AND m.user_id = s.user_id WHERE s.group_id = ? AND s.user_id = ?',
      [groupId, userId],
    );
    const expected = resolved.status === 200 ? { scim: moved, saml: moved } : { scim: moved, saml: `${before}-saml` };
    if (patched.status !== 204 || ![200, 400, 409].includes(resolved.status) || stored.scim !== expected.scim || stored.saml !== expected.saml) {
      problems.push(`round ${round}: resolve ${resolved.status}, SCIM PATCH ${patched.status}, stored ${JSON.stringify(stored)}`);
    }
  }
  console.log(`mismatch resolve vs SCIM move: ${ROUNDS} rounds; resolve/PATCH statuses ${JSON.stringify(outcomes)}`);
  expect(problems).toEqual([]);
}

raceInOneAndTwoProcesses('a mismatch resolved while the IdP moves the SCIM id', `the IdP's new id is never undone, in each of ${ROUNDS} rounds`, { ADMIN_TOKEN: ADMIN }, raceRounds);
