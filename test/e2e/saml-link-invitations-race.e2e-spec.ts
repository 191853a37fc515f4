import { Roster, raceInOneAndTwoProcesses } from '../support/race-rosters.js';
import { IDP_CERT, IDP_SSO_URL } from '../support/fixtures.js';
import { startInvitation } from '../support/link-invitations.js';
import { groupSp, postSamlResponse } from '../support/test-idp.js';

const ADMIN = 'roster_pat_link-invitation-race-0123456789abcdef';
const ROUNDS = 15;
const BASE_URL = 'http://roster.test';

/**
 * One invitation, opened twice (two AuthnRequests), answered by the IdP for both at the same moment
 * with two different NameIDs, each through its own Roster: exactly one links, the other is refused
 * as already used, every round. On PostgreSQL the invitation's row lock and conditional UPDATE decide.
 */
async function raceRounds(first: Roster, second: Roster): Promise<void> {
  const admin = { Authorization: `Bearer ${ADMIN}` };
  const group = await first.http().post('/api/v4/groups').set(admin).send({ name: 'Invitation race', path: 'invitation-race' }).expect(201);
  await first.http().put(`/api/v4/groups/${group.body.id}/saml_provider`).set(admin).send({ enabled: true, sso_url: IDP_SSO_URL, certificate: IDP_CERT }).expect(200);
  const sp = groupSp(BASE_URL, 'invitation-race');
  for (let round = 1; round <= ROUNDS; round++) {
    const user = await first
      .http()
      .post('/api/v4/users')
      .set(admin)
      .send({ username: `racer${round}`, name: `Racer ${round}`, email: `racer${round}@acme.test` })
      .expect(201);
    await first.http().post(`/api/v4/groups/${group.body.id}/members`).set(admin).send({ user_id: user.body.id, access_level: 30 }).expect(201);
    const invitation = await first.http().post(`/api/v4/groups/${group.body.id}/saml_link_invitations`).set(admin).send({ user_id: user.body.id }).expect(201);
    const [a, b] = [await startInvitation(first.http(), invitation.body.url), await startInvitation(second.http(), invitation.body.url)];
    const answers = await Promise.all([
      postSamlResponse(first.http(), sp, { nameId: `race-${round}-a`, inResponseTo: a.requestId }),
      postSamlResponse(second.http(), sp, { nameId: `race-${round}-b`, inResponseTo: b.requestId }),
    ]);
    expect(answers.map((r) => r.status).sort()).toEqual([303, 403]);
    const loser = answers.find((r) => r.status === 403)!;
    expect(loser.text).toContain('This link invitation has already been used');
    const winner = answers[0].status === 303 ? `race-${round}-a` : `race-${round}-b`;
    const identities = await first.sql<{ extern_uid: string }>('SELECT extern_uid FROM saml_identities WHERE user_id = ?', [user.body.id]);
    expect(identities).toEqual([{ extern_uid: winner }]);
    const rows = await first.sql<{ used_extern_uid: string }>('SELECT used_extern_uid FROM saml_link_invitations WHERE id = ?', [invitation.body.id]);
    expect(rows).toEqual([{ used_extern_uid: winner }]);
    const events = await first.sql<{ event_name: string; n: number | string }>(
      "SELECT event_name, COUNT(*) AS n FROM audit_events WHERE target_id = ? AND event_name IN ('saml_link_invitation_used', 'saml_link_invitation_refused', 'saml_identity_linked') GROUP BY event_name ORDER BY event_name",
      [user.body.id],
    );
    expect(events.map((e) => [e.event_name, Number(e.n)])).toEqual([
      ['saml_identity_linked', 1],
      ['saml_link_invitation_refused', 1],
      ['saml_link_invitation_used', 1],
    ]);
  }
}

// Both Rosters behind one public address (BASE_URL), as behind a load balancer: the IdP's answers name it.
raceInOneAndTwoProcesses('a link invitation used twice at once', `links exactly once in each of ${ROUNDS} rounds`, { ADMIN_TOKEN: ADMIN, BASE_URL }, raceRounds);
