import type { Response } from 'supertest';
import type { RaceGroup, Roster } from '../support/race-rosters.js';
import { raceGroup, raceInOneAndTwoProcesses, raceProvision } from '../support/race-rosters.js';
import { startInvitation } from '../support/link-invitations.js';
import { groupSp, newSamlId, postSamlResponse } from '../support/test-idp.js';

const ADMIN = 'roster_pat_group-delete-sign-in-0123456789';
const BASE_URL = 'http://roster.test';
const ROUNDS = 15;
const PEOPLE = 4;
const admin = { Authorization: `Bearer ${ADMIN}` };

/** One kind of sign-in racing a group's deletion. */
interface Scenario {
  label: string;
  provider: Record<string, unknown>;
  /** Provisions one person and prepares their sign-in on `signInSide`; returns the sign-in to send. */
  prepare: (first: Roster, signInSide: Roster, group: RaceGroup) => Promise<() => Promise<Response>>;
  /** Whether an answer is one of the outcomes a sign-in may have while the group is deleted. */
  acceptable: (answer: Response) => boolean;
  /** Tables with a group_id that must hold nothing of the group afterwards. */
  tables: string[];
}

/**
 * Each round: a group with PEOPLE provisioned members, deleted (after 0–50 ms) while each of them
 * signs in through the other Roster. Every deletion succeeds, every sign-in answers as done before
 * the deletion or as the group gone, and nothing of the group is left. raceInOneAndTwoProcesses
 * also requires that no transaction was retried: PostgreSQL breaks a lock-order cycle by failing
 * one side, and Roster's retry would hide it from the answers.
 */
async function deletionRounds(scenario: Scenario, first: Roster, second: Roster): Promise<void> {
  const statuses: Record<number, number> = {};
  const problems: string[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const path = `delete-sign-in-${round}-${Date.now().toString(36)}`;
    const group = await raceGroup(first, ADMIN, path, scenario.provider);
    const [signInSide, adminSide] = round % 2 === 0 ? [first, second] : [second, first];
    const signIns: (() => Promise<Response>)[] = [];
    for (let n = 0; n < PEOPLE; n++) signIns.push(await scenario.prepare(first, signInSide, group));
    const [deletion, ...answers] = await Promise.all([delay((round % 6) * 10).then(() => adminSide.http().delete(`/api/v4/groups/${group.id}`).set(admin)), ...signIns.map((signIn) => signIn())]);
    if (![202, 204].includes(deletion.status)) problems.push(`round ${round}: deletion ${deletion.status}`);
    for (const a of answers) {
      statuses[a.status] = (statuses[a.status] ?? 0) + 1;
      if (!scenario.acceptable(a)) problems.push(`round ${round}: sign-in ${a.status} ${a.text.slice(0, 200)}`);
    }
    for (const table of scenario.tables) {
      const rows = await first.sql(`SELECT 1 FROM ${table} WHERE group_id = ?`, [group.id]);
      if (rows.length > 0) problems.push(`round ${round}: ${rows.length} row(s) of ${table} left`);
    }
  }
  console.log(`group deletion vs ${scenario.label}: ${ROUNDS} rounds × ${PEOPLE} people; answers ${JSON.stringify(statuses)}`);
  expect(problems).toEqual([]);
}

/**
 * Members sign in with a new NameID, which relinks each of them (their email matches): a relink
 * changes the person's SAML identity row, then takes group sync's lock on the group row; the
 * deletion takes the group row, then cascades to the SAML identities.
 */
const RELINKING: Scenario = {
  label: 'relinking sign-ins',
  provider: {},
  prepare: async (first, signInSide, group) => {
    const person = await raceProvision(first, group);
    const sp = groupSp(BASE_URL, group.path);
    return () => postSamlResponse(signInSide.http(), sp, { nameId: `${person.id}-relinked`, email: person.email, assertionId: newSamlId() });
  },
  // 303: signed in (relinked) before the deletion; 404: the group was gone; 403 "not linked": the
  // deletion had removed the person's SAML identity when the sign-in looked for it.
  acceptable: (a) => a.status === 303 || a.status === 404 || (a.status === 403 && a.text.includes('User is not linked to a SAML account')),
  tables: ['members', 'saml_identities', 'scim_identities', 'saml_providers'],
};

/**
 * With SSO enforced, members redeem link invitations: a redemption locks the invitation, then the
 * person's SCIM identity, then changes their SAML identity; the deletion cascades to the invitations.
 */
const INVITED: Scenario = {
  label: 'link invitations redeemed (SSO enforced)',
  provider: { enforced_sso: true },
  prepare: async (first, signInSide, group) => {
    const person = await raceProvision(first, group);
    const invitation = await first.http().post(`/api/v4/groups/${group.id}/saml_link_invitations`).set(admin).send({ user_id: person.userId }).expect(201);
    const { requestId } = await startInvitation(signInSide.http(), invitation.body.url);
    const sp = groupSp(BASE_URL, group.path);
    return () => postSamlResponse(signInSide.http(), sp, { nameId: `${person.id}-invited`, inResponseTo: requestId, assertionId: newSamlId() });
  },
  // 303: linked before the deletion; 403 or 404: the invitation, its request or the group was gone.
  acceptable: (a) => [303, 403, 404].includes(a.status),
  tables: ['members', 'saml_identities', 'scim_identities', 'saml_link_invitations'],
};

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

for (const [what, scenario] of [
  ['a group deleted while its members sign in and relink', RELINKING],
  ['a group deleted while its members redeem link invitations (SSO enforced)', INVITED],
] as const) {
  raceInOneAndTwoProcesses(
    what,
    `every sign-in is done first or finds the group gone, nothing is left and no deadlock is retried, in each of ${ROUNDS} rounds`,
    { ADMIN_TOKEN: ADMIN, BASE_URL },
    (first, second) => deletionRounds(scenario, first, second),
  );
}
