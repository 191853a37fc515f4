import { oktaUser } from '../support/fixtures.js';
import { Roster, raceGroup, raceInOneAndTwoProcesses } from '../support/race-rosters.js';

const ADMIN = 'roster_pat_duplicates-race-0123456789abcdef';
const ROUNDS = 15;
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

type Answer = { status: number };

/** Exactly one of the answers is `ok`, and every other one is `refused`: no server error, no second success. */
function oneWins(what: string, round: number, answers: Answer[], ok: number, refused: number[]): string[] {
  const statuses = answers.map((a) => a.status);
  const wins = statuses.filter((s) => s === ok).length;
  const others = statuses.filter((s) => s !== ok);
  return wins === 1 && others.every((s) => refused.includes(s)) ? [] : [`round ${round}, ${what}: ${JSON.stringify(statuses)}`];
}

/**
 * The same new thing asked for at once through two Rosters — the uniqueness rules that read, then
 * write: a group path, an account's username and email, a SCIM userName moved onto one value, an
 * identity's extern_uid set to one value by the identities API, and platform usernames derived
 * from one SCIM userName in two groups. One request wins, the others get the error GitLab or RFC
 * 7644 gives for a taken value, never a server error; derived usernames stay distinct.
 */
async function raceRounds(first: Roster, second: Roster): Promise<void> {
  const admin = { Authorization: `Bearer ${ADMIN}` };
  const sides = [first, second];
  const problems: string[] = [];
  const stamp = Date.now().toString(36);

  // Two groups with SCIM, for the SCIM cases.
  const groups = [await raceGroup(first, ADMIN, `dup-race-1-${stamp}`), await raceGroup(first, ADMIN, `dup-race-2-${stamp}`)];
  const [g] = groups;

  for (let round = 1; round <= ROUNDS; round++) {
    const tag = `${stamp}-${round}`;

    const path = `same-path-${tag}`;
    problems.push(...oneWins('group path', round, await Promise.all(sides.map((s) => s.http().post('/api/v4/groups').set(admin).send({ name: path, path }))), 201, [400, 409]));

    const username = `same-user-${tag}`;
    problems.push(
      ...oneWins(
        'account username and email',
        round,
        await Promise.all(
          sides.map((s) =>
            s
              .http()
              .post('/api/v4/users')
              .set(admin)
              .send({ username, name: 'Same Person', email: `${username}@dup.test` }),
          ),
        ),
        201,
        [400, 409],
      ),
    );

    // Two people of one group renamed to the same userName at once.
    const people = [];
    for (let n = 0; n < 2; n++) people.push((await first.http().post(`${g.base}/Users`).set(g.scim).send(oktaUser()).expect(201)).body.id as string);
    const userName = `same-scim-${tag}@dup.test`;
    problems.push(
      ...oneWins(
        'SCIM userName',
        round,
        await Promise.all(
          people.map((id, n) =>
            sides[n]
              .http()
              .patch(`${g.base}/Users/${id}`)
              .set(g.scim)
              .send({ schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'userName', value: userName }] }),
          ),
        ),
        204,
        [409],
      ),
    );

    // The identities API sets two SCIM identities of the group to one extern_uid at once.
    const externUid = `same-extern-${tag}`;
    problems.push(
      ...oneWins(
        'SCIM identity extern_uid',
        round,
        await Promise.all(people.map((id, n) => sides[n].http().patch(`/api/v4/groups/${g.id}/scim/${id}`).set(admin).send({ extern_uid: externUid }))),
        200,
        [400],
      ),
    );

    // One SCIM userName in two groups (different people, different emails): two accounts, distinct usernames.
    const shared = `shared-${tag}`;
    const created = await Promise.all(
      groups.map((group, n) =>
        sides[n]
          .http()
          .post(`${group.base}/Users`)
          .set(group.scim)
          .send(oktaUser({ userName: shared, emails: [{ value: `${shared}-${n}@dup.test`, primary: true, type: 'work' }] })),
      ),
    );
    if (created.some((c) => c.status !== 201)) problems.push(`round ${round}, one userName in two groups: ${JSON.stringify(created.map((c) => c.status))}`);
    const accounts = await first.sql<{ username: string }>('SELECT username FROM users WHERE email_lower IN (?, ?)', [`${shared}-0@dup.test`, `${shared}-1@dup.test`]);
    if (accounts.length !== 2 || accounts[0].username === accounts[1].username) problems.push(`round ${round}, one userName in two groups: accounts ${JSON.stringify(accounts)}`);
  }
  expect(problems).toEqual([]);
}

raceInOneAndTwoProcesses(
  'the same new value asked for at once',
  `one request wins and the others are refused, never a server error, in each of ${ROUNDS} rounds`,
  { ADMIN_TOKEN: ADMIN },
  raceRounds,
);
