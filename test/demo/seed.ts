/**
 * Demo data, put in through Roster's real HTTP APIs exactly as an owner, Okta, Entra ID and a
 * SAML identity provider would: used by `npm run demo` and by the browser tests' screenshots.
 */
import { samlResponse, TEST_IDP_KEYS } from '../support/test-idp.js';
import type { ServiceProvider } from '../support/test-idp.js';
import { DemoHttp } from './demo-http.js';
import { DemoPerson, demoPeople, entraCreateBody, oktaCreateBody, PATCH_OP } from './demo-people.js';

export interface DemoSeed {
  groupId: number;
  groupPath: string;
  scimToken: string;
  scimApiUrl: string;
  ssoUrl: string;
  people: DemoPerson[];
}

const SCIM_JSON = 'application/scim+json';
const DOMAIN = 'acme.example';

export async function seedDemo(http: DemoHttp, adminToken: string, log: (line: string) => void = () => undefined): Promise<DemoSeed> {
  const admin = { token: adminToken };

  log('creating the group and configuring SAML');
  const group = (await http.expect(201, 'POST', '/api/v4/groups', { ...admin, body: { name: 'Acme Corporation', path: 'acme' } })).body;
  const provider = (
    await http.expect(200, 'PUT', `/api/v4/groups/${group.id}/saml_provider`, {
      ...admin,
      body: {
        enabled: true,
        sso_url: `https://idp.${DOMAIN}/app/roster/sso/saml`,
        certificate: TEST_IDP_KEYS.trusted.certificate,
        enforced_sso: false,
        default_membership_role: 30,
      },
    })
  ).body;
  const token = (await http.expect(201, 'POST', `/api/v4/groups/${group.id}/scim_token`, admin)).body;
  const scim = (method: string, path: string, body?: unknown) => http.send(method, `/api/scim/v2/groups/${group.path}${path}`, { token: token.scim_token, body, contentType: SCIM_JSON });

  const people = demoPeople(DOMAIN);
  const okta = people.filter((p) => p.idp === 'okta');
  const entra = people.filter((p) => p.idp === 'entra');

  log(`provisioning ${okta.length} people the way Okta does`);
  await scim('GET', '/Users?startIndex=1&count=2'); // Okta's "Test API Credentials"
  for (const p of okta) {
    await scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${p.email}"`)}&startIndex=1&count=100`);
    await expectStatus(scim('POST', '/Users', oktaCreateBody(p)), 201, `create ${p.email}`);
  }

  log(`provisioning ${entra.length} people the way Entra ID does`);
  await scim('GET', `/Users?filter=${encodeURIComponent('userName eq "6f1e0a3c-1b2d-4e5f-8a9b-0c1d2e3f4a5b"')}`); // Entra's "Test Connection"
  for (const p of entra) {
    await scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${p.email}"`)}`);
    await expectStatus(scim('POST', '/Users', entraCreateBody(p)), 201, `create ${p.email}`);
  }

  log('updates, a refused duplicate and a deprovisioning');
  const sofia = okta.find((p) => p.given === 'Sofia')!;
  const current = await scim('GET', `/Users/${encodeURIComponent(sofia.externalId)}`);
  if (current.status === 200) {
    // Okta changes people with GET then a full PUT.
    await scim('PUT', `/Users/${encodeURIComponent(sofia.externalId)}`, { ...current.body, name: { ...current.body.name, familyName: 'Rossi-Bianchi' }, displayName: 'Sofia Rossi-Bianchi' });
  }
  const elena = entra.find((p) => p.given === 'Elena')!;
  await scim('PATCH', `/Users/${encodeURIComponent(elena.externalId)}`, {
    schemas: [PATCH_OP],
    Operations: [
      { op: 'Replace', path: 'title', value: 'Director of Engineering' },
      { op: 'Replace', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department', value: 'Platform' },
    ],
  });
  await scim('POST', '/Users', oktaCreateBody(okta[3])); // Okta retrying a create: 409
  await scim('GET', '/Users/00u0000000000000000'); // a stale id: 404
  const marcus = entra.find((p) => p.given === 'Marcus')!;
  await expectStatus(
    scim('PATCH', `/Users/${encodeURIComponent(marcus.externalId)}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] }),
    [200, 204],
    `deprovision ${marcus.email}`,
  );

  log('an existing account that is not linked to SAML');
  const dana = (await http.expect(201, 'POST', '/api/v4/users', { ...admin, body: { username: 'dana.whitfield', name: 'Dana Whitfield', email: `dana.whitfield@${DOMAIN}` } })).body;
  await http.expect(201, 'POST', `/api/v4/groups/${group.id}/members`, { ...admin, body: { user_id: dana.id, access_level: 40 } });

  const priya = (await http.expect(200, 'GET', `/api/v4/groups/${group.id}/members?search=priya`, admin)).body[0];
  if (priya) await http.send('PUT', `/api/v4/groups/${group.id}/members/${priya.id}`, { ...admin, body: { access_level: 50 } });

  log('SAML sign-ins signed by the test identity provider');
  const sp: ServiceProvider = { entityId: provider.sp_entity_id, acsUrl: provider.acs_url, acsPath: new URL(provider.acs_url).pathname };
  const signIn = (nameId: string, email: string) => http.send('POST', sp.acsPath, { form: new URLSearchParams({ SAMLResponse: samlResponse(sp, { nameId, email }), RelayState: '/' }) });
  for (const p of [...okta.slice(1, 7), ...entra.slice(0, 3)]) await warnUnless(signIn(p.externalId, p.email), [200, 302, 303], `sign-in of ${p.email}`, log);
  // Alex's IdP app now sends the email address as NameID: Roster relinks the SAML identity, and
  // the SCIM externalId no longer matches it — the report's scim_saml_mismatch row.
  const alex = okta[0];
  await warnUnless(signIn(alex.externalId, alex.email), [200, 302, 303], `first sign-in of ${alex.email}`, log);
  await warnUnless(signIn(alex.email, alex.email), [200, 302, 303], `NameID change of ${alex.email}`, log);
  // Dana has an account but no SAML identity: refused, and the observation shows the NameID sent.
  await warnUnless(signIn(`dana.whitfield@${DOMAIN}`, `dana.whitfield@${DOMAIN}`), [401, 403, 404, 409, 422], 'refused sign-in of Dana', log);

  log('a second group');
  const globex = (await http.expect(201, 'POST', '/api/v4/groups', { ...admin, body: { name: 'Globex Research', path: 'globex' } })).body;
  await http.expect(200, 'PUT', `/api/v4/groups/${globex.id}/saml_provider`, {
    ...admin,
    body: { enabled: false, sso_url: 'https://login.globex.example/saml2', certificate: TEST_IDP_KEYS.trusted.certificate },
  });

  return { groupId: group.id, groupPath: group.path, scimToken: token.scim_token, scimApiUrl: token.scim_api_url, ssoUrl: provider.sso_start_url, people };
}

async function expectStatus(answer: ReturnType<DemoHttp['send']>, status: number | number[], what: string): Promise<void> {
  const { status: got, body } = await answer;
  const allowed = Array.isArray(status) ? status : [status];
  if (!allowed.includes(got)) throw new Error(`${what}: answered ${got}: ${JSON.stringify(body).slice(0, 300)}`);
}

/** SAML steps report instead of stopping the demo: the rest of the data is still worth showing. */
async function warnUnless(answer: ReturnType<DemoHttp['send']>, status: number[], what: string, log: (line: string) => void): Promise<void> {
  const { status: got } = await answer;
  if (!status.includes(got)) log(`warning: ${what} answered ${got}`);
}
