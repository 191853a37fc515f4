import { Roster, raceInOneAndTwoProcesses } from '../support/race-rosters.js';

const ADMIN = 'roster_pat_verified-domain-race-0123456789abcdef';
const ROUNDS = 15;

/**
 * Two groups add the same new domain at the same moment, each through its own Roster: exactly one
 * gets 201, the other 409, and exactly one group holds the domain, every round. On PostgreSQL the
 * advisory lock on the domain decides.
 */
async function raceRounds(first: Roster, second: Roster): Promise<void> {
  const admin = { Authorization: `Bearer ${ADMIN}` };
  const groups: number[] = [];
  for (const path of ['domain-race-a', 'domain-race-b']) {
    const group = await first.http().post('/api/v4/groups').set(admin).send({ name: path, path }).expect(201);
    groups.push(group.body.id as number);
  }
  for (let round = 1; round <= ROUNDS; round++) {
    const domain = `round-${round}.race.test`;
    // Which group goes through which Roster alternates.
    const [x, y] = round % 2 === 0 ? groups : [...groups].reverse();
    const answers = await Promise.all([
      first.http().post(`/api/v4/groups/${x}/verified_domains`).set(admin).send({ domain }),
      second.http().post(`/api/v4/groups/${y}/verified_domains`).set(admin).send({ domain }),
    ]);
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(answers.find((r) => r.status === 409)!.body).toEqual({ message: `${domain} is already verified by another group` });
    const holders = await first.sql<{ id: number | string }>('SELECT id FROM groups WHERE verified_domains LIKE ?', [`%"${domain}"%`]);
    expect(holders).toHaveLength(1);
    const added = await first.sql<{ n: number | string }>("SELECT COUNT(*) AS n FROM audit_events WHERE event_name = 'verified_domain_added' AND details LIKE ?", [`%"${domain}"%`]);
    expect(Number(added[0].n)).toBe(1);
  }
}

raceInOneAndTwoProcesses('two groups add one domain at once', `exactly one group gets it in each of ${ROUNDS} rounds`, { ADMIN_TOKEN: ADMIN }, raceRounds);
