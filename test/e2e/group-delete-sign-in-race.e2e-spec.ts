import type { Roster } from '../support/race-rosters.js';
import { RACE_METRICS_TOKEN, raceGroup, raceInOneAndTwoProcesses, raceProvision, transactionRetries } from '../support/race-rosters.js';
import { startInvitation } from '../support/link-invitations.js';
import { groupSp, newSamlId, postSamlResponse } from '../support/test-idp.js';

const ADMIN = 'roster_pat_group-delete-sign-in-0123456789';
const BASE_URL = 'http://roster.test';
const ROUNDS = 15;
const PEOPLE = 4;

/**
 * A group is deleted while its members sign in through another Roster with a new NameID, which
 * relinks each of them (their email matches): a relink changes the person's SAML identity row, then
 * takes group sync's lock on the group row; the deletion takes the group row, then cascades to the
 * SAML identities. Every request answers as done before the deletion or as the group gone, nothing
 * of the group is left, and no transaction had to be run again after a deadlock.
 */
async function raceRounds(first: Roster, second: Roster): Promise<void> {
  const admin = { Authorization: `Bearer ${ADMIN}` };
  const before = await transactionRetries(first, second);
  const signIns: Record<number, number> = {};
  const problems: string[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const path = `delete-sign-in-${round}-${Date.now().toString(36)}`;
    const group = await raceGroup(first, ADMIN, path);
    const sp = groupSp(BASE_URL, path);
    const people: { id: string; email: string }[] = [];
    for (let n = 0; n < PEOPLE; n++) people.push(await raceProvision(first, group));
    const [signInSide, adminSide] = round % 2 === 0 ? [first, second] : [second, first];
    const [deletion, ...answers] = await Promise.all([
      delay((round % 6) * 10).then(() => adminSide.http().delete(`/api/v4/groups/${group.id}`).set(admin)),
      ...people.map((p) => postSamlResponse(signInSide.http(), sp, { nameId: `${p.id}-relinked`, email: p.email, assertionId: newSamlId() })),
    ]);
    if (![202, 204].includes(deletion.status)) problems.push(`round ${round}: deletion ${deletion.status}`);
    for (const a of answers) {
      signIns[a.status] = (signIns[a.status] ?? 0) + 1;
      // 303: signed in (relinked) before the deletion; 404: the group was gone; 403 "not linked":
      // the deletion had removed the person's SAML identity when the sign-in looked for it.
      if (![303, 403, 404].includes(a.status) || (a.status === 403 && !a.text.includes('User is not linked to a SAML account')))
        problems.push(`round ${round}: sign-in ${a.status} ${a.text.slice(0, 200)}`);
    }
    for (const table of ['members', 'saml_identities', 'scim_identities', 'saml_providers']) {
      const rows = await first.sql(`SELECT 1 FROM ${table} WHERE group_id = ?`, [group.id]);
      if (rows.length > 0) problems.push(`round ${round}: ${rows.length} row(s) of ${table} left`);
    }
  }
  const after = await transactionRetries(first, second);
  console.log(`group deletion vs relinking sign-ins: ${ROUNDS} rounds × ${PEOPLE} people; sign-in answers ${JSON.stringify(signIns)}; transactions retried ${after - before}`);
  expect(problems).toEqual([]);
  expect(after - before).toBe(0);
}

/**
 * The same with SSO enforced, each member redeeming a link invitation: the redemption locks the
 * invitation, then (SSO enforced) the person's SCIM identity, then changes their SAML identity; the
 * deletion, which cascades to the invitations, must not wait in a cycle with it either.
 */
async function invitationRounds(first: Roster, second: Roster): Promise<void> {
  const admin = { Authorization: `Bearer ${ADMIN}` };
  const before = await transactionRetries(first, second);
  const redemptions: Record<number, number> = {};
  const problems: string[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const path = `delete-invitation-${round}-${Date.now().toString(36)}`;
    const group = await raceGroup(first, ADMIN, path, { enforced_sso: true });
    const sp = groupSp(BASE_URL, path);
    const [signInSide, adminSide] = round % 2 === 0 ? [first, second] : [second, first];
    const started: { id: string; requestId: string }[] = [];
    for (let n = 0; n < PEOPLE; n++) {
      const person = await raceProvision(first, group);
      const invitation = await first.http().post(`/api/v4/groups/${group.id}/saml_link_invitations`).set(admin).send({ user_id: person.userId }).expect(201);
      started.push({ id: person.id, requestId: (await startInvitation(signInSide.http(), invitation.body.url)).requestId });
    }
    const [deletion, ...answers] = await Promise.all([
      delay((round % 6) * 10).then(() => adminSide.http().delete(`/api/v4/groups/${group.id}`).set(admin)),
      ...started.map((p) => postSamlResponse(signInSide.http(), sp, { nameId: `${p.id}-invited`, inResponseTo: p.requestId, assertionId: newSamlId() })),
    ]);
    if (![202, 204].includes(deletion.status)) problems.push(`round ${round}: deletion ${deletion.status}`);
    for (const a of answers) {
      redemptions[a.status] = (redemptions[a.status] ?? 0) + 1;
      // 303: linked before the deletion; 403 or 404: the invitation, its request or the group was gone.
      if (![303, 403, 404].includes(a.status)) problems.push(`round ${round}: redemption ${a.status} ${a.text.slice(0, 200)}`);
    }
    for (const table of ['members', 'saml_identities', 'scim_identities', 'saml_link_invitations']) {
      const rows = await first.sql(`SELECT 1 FROM ${table} WHERE group_id = ?`, [group.id]);
      if (rows.length > 0) problems.push(`round ${round}: ${rows.length} row(s) of ${table} left`);
    }
  }
  const after = await transactionRetries(first, second);
  console.log(`group deletion vs link invitations redeemed (SSO enforced): ${ROUNDS} rounds × ${PEOPLE} people; answers ${JSON.stringify(redemptions)}; transactions retried ${after - before}`);
  expect(problems).toEqual([]);
  expect(after - before).toBe(0);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

raceInOneAndTwoProcesses(
  'a group deleted while its members sign in and relink',
  `every sign-in is done first or finds the group or identity gone, nothing is left and no deadlock is retried, in each of ${ROUNDS} rounds`,
  { ADMIN_TOKEN: ADMIN, BASE_URL, METRICS_TOKEN: RACE_METRICS_TOKEN },
  raceRounds,
);

raceInOneAndTwoProcesses(
  'a group deleted while its members redeem link invitations (SSO enforced)',
  `every redemption is done first or finds the group gone, nothing is left and no deadlock is retried, in each of ${ROUNDS} rounds`,
  { ADMIN_TOKEN: ADMIN, BASE_URL, METRICS_TOKEN: RACE_METRICS_TOKEN },
  invitationRounds,
);
