/**
 * The test identity provider: builds SAML 2.0 Responses the way a real IdP does, signs them with
 * xml-crypto using the committed fixture keys (test/fixtures/saml/), and posts them to a group's
 * assertion consumer service. For jest, the browser tests and the demo seeding only — nothing under
 * src/ imports it, so it never ships in a production build.
 *
 * API (everything a caller needs is exported here):
 *
 *   const sp = groupSp('http://roster.test', 'acme');            // entity id, ACS URL and path
 *   const isp = instanceSp('http://roster.test');                 // the instance's (/users/auth/saml/)
 *   const xml = samlResponseXml(sp, { nameId: 'ext-1', email: 'a@acme.com' });
 *   const b64 = samlResponse(sp, { nameId: 'ext-1', email: 'a@acme.com' });   // SAMLResponse value
 *   await postSamlResponse(t.http(), sp, { nameId: 'ext-1', email: 'a@acme.com', relayState: '/x', cookie });
 *   const id = authnRequestIdFromRedirect(res.headers.location);   // SP-initiated: InResponseTo
 *   await page.setContent(samlPostFormHtml(sp, { nameId: 'ext-1' })); await page.click('#post');  // a browser
 *
 * `ResponseOptions` covers what the tests vary: NameID and attributes, InResponseTo, audience,
 * Destination and Recipient, NotBefore / NotOnOrAfter offsets, assertion id, issuer, which part is
 * signed (`sign`), with which key (`key`: the trusted fixture key or the untrusted "other" one), and
 * `wrap` for the signature-wrapping attack (the signed assertion hidden in an Extensions element
 * and an unsigned forged one, carrying the signed one's id and signature, put in its place).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import type { Agent, Test } from 'supertest';
import { SignedXml } from 'xml-crypto';
import { projectRoot } from '../../src/project-root.js';

const fixture = (name: string) => readFileSync(join(projectRoot(), 'test/fixtures/saml', name), 'utf8');

/** The trusted key pair (its certificate is what `setUpGroup` configures) and an untrusted one. */
export const TEST_IDP_KEYS = {
  trusted: { privateKey: fixture('idp-key.pem'), certificate: fixture('idp-cert.pem') },
  other: { privateKey: fixture('other-key.pem'), certificate: fixture('other-cert.pem') },
} as const;

export const TEST_IDP_ISSUER = 'https://idp.example.test/metadata';

const SAMLP = 'urn:oasis:names:tc:SAML:2.0:protocol';
const SAML = 'urn:oasis:names:tc:SAML:2.0:assertion';
const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';

/** Where a group's service provider lives (saml.md): what the IdP puts in Audience, Destination and Recipient. */
export interface ServiceProvider {
  entityId: string;
  acsUrl: string;
  /** The ACS path, for supertest. */
  acsPath: string;
}

export function groupSp(baseUrl: string, groupPath: string): ServiceProvider {
  const entityId = `${baseUrl}/groups/${groupPath}`;
  return { entityId, acsUrl: `${entityId}/-/saml/callback`, acsPath: `/groups/${groupPath}/-/saml/callback` };
}

/** The instance's service provider (self-managed sign-in): entity id BASE_URL, ACS /users/auth/saml/callback. */
export function instanceSp(baseUrl: string): ServiceProvider {
  return { entityId: baseUrl, acsUrl: `${baseUrl}/users/auth/saml/callback`, acsPath: '/users/auth/saml/callback' };
}

export interface ResponseOptions {
  nameId: string;
  /** The `email` attribute; omitted when null or undefined. */
  email?: string | null;
  /** Extra attributes, name → value(s). */
  attributes?: Record<string, string | string[]>;
  nameIdFormat?: string;
  inResponseTo?: string;
  /** Defaults: the SP's entity id, its ACS URL, its ACS URL. `null` leaves Destination/Recipient out. */
  audience?: string;
  destination?: string | null;
  recipient?: string | null;
  /** Seconds relative to now: NotBefore (default -30) and NotOnOrAfter (default +300). */
  notBeforeOffset?: number;
  notOnOrAfterOffset?: number;
  assertionId?: string;
  responseId?: string;
  issuer?: string;
  /** Which element carries the signature (default: the assertion). */
  sign?: 'assertion' | 'response' | 'both' | 'none';
  key?: keyof typeof TEST_IDP_KEYS;
  /** That many empty elements in the Response's <samlp:Extensions>, outside every signed part (the padding of a cost attack). */
  padElements?: number;
  /** Raw XML put in the Response's <samlp:Extensions>, outside every signed part. */
  extensionsXml?: string;
  /** The Response's top-level StatusCode (default Success). */
  statusCode?: string;
  /** The assertion's <saml:Subject> as many times, and its <saml:NameID> as many times in each (default once). */
  subjects?: number;
  nameIds?: number;
  /** Produce a signature-wrapping attack: the signed assertion is for `nameId`, the forged one for `wrap.nameId`. */
  wrap?: { nameId: string; email?: string };
}

export function newSamlId(): string {
  return `_${randomBytes(16).toString('hex')}`;
}

function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function iso(offsetSeconds: number, now = Date.now()): string {
  return new Date(now + offsetSeconds * 1000).toISOString();
}

function attributeXml(name: string, values: string | string[]): string {
  const list = Array.isArray(values) ? values : [values];
  const inner = list.map((v) => `<saml:AttributeValue>${escapeXml(v)}</saml:AttributeValue>`).join('');
  return `<saml:Attribute Name="${escapeXml(name)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic">${inner}</saml:Attribute>`;
}

function assertionXml(sp: ServiceProvider, o: ResponseOptions, id: string, nameId: string, email: string | null | undefined): string {
  const now = Date.now();
  const issuer = o.issuer ?? TEST_IDP_ISSUER;
  const recipient = o.recipient === undefined ? sp.acsUrl : o.recipient;
  const notBefore = iso(o.notBeforeOffset ?? -30, now);
  const notOnOrAfter = iso(o.notOnOrAfterOffset ?? 300, now);
  const confirmation = [
    recipient === null ? '' : ` Recipient="${escapeXml(recipient)}"`,
    o.inResponseTo ? ` InResponseTo="${escapeXml(o.inResponseTo)}"` : '',
    ` NotOnOrAfter="${notOnOrAfter}"`,
  ].join('');
  const attributes: Record<string, string | string[]> = { ...(email ? { email } : {}), ...(o.attributes ?? {}) };
  const attributeStatement = Object.keys(attributes).length
    ? `<saml:AttributeStatement>${Object.entries(attributes)
        .map(([k, v]) => attributeXml(k, v))
        .join('')}</saml:AttributeStatement>`
    : '';
  return (
    `<saml:Assertion xmlns:saml="${SAML}" ID="${escapeXml(id)}" Version="2.0" IssueInstant="${iso(0, now)}">` +
    `<saml:Issuer>${escapeXml(issuer)}</saml:Issuer>` +
    (
      `<saml:Subject>${`<saml:NameID Format="${escapeXml(o.nameIdFormat ?? 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified')}">${escapeXml(nameId)}</saml:NameID>`.repeat(o.nameIds ?? 1)}` +
      `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData${confirmation}/></saml:SubjectConfirmation></saml:Subject>`
    ).repeat(o.subjects ?? 1) +
    `<saml:Conditions NotBefore="${notBefore}" NotOnOrAfter="${notOnOrAfter}"><saml:AudienceRestriction><saml:Audience>${escapeXml(o.audience ?? sp.entityId)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${iso(0, now)}" SessionIndex="${newSamlId()}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    attributeStatement +
    `</saml:Assertion>`
  );
}

/** Signs the element with the given local name (Assertion or Response), the signature placed after its Issuer. */
function sign(xml: string, element: 'Assertion' | 'Response', key: keyof typeof TEST_IDP_KEYS): string {
  const { privateKey, certificate } = TEST_IDP_KEYS[key];
  const signer = new SignedXml({ privateKey, publicCert: certificate, signatureAlgorithm: RSA_SHA256, canonicalizationAlgorithm: EXC_C14N });
  const target = `/*[local-name(.)='Response']${element === 'Assertion' ? "/*[local-name(.)='Assertion']" : ''}`;
  signer.addReference({ xpath: target, transforms: [ENVELOPED, EXC_C14N], digestAlgorithm: SHA256 });
  signer.computeSignature(xml, { prefix: 'ds', location: { reference: `${target}/*[local-name(.)='Issuer']`, action: 'after' } });
  return signer.getSignedXml();
}

function responseXml(sp: ServiceProvider, o: ResponseOptions, assertion: string, extensions = ''): string {
  const destination = o.destination === undefined ? sp.acsUrl : o.destination;
  const attrs = [
    `ID="${escapeXml(o.responseId ?? newSamlId())}"`,
    'Version="2.0"',
    `IssueInstant="${iso(0)}"`,
    destination === null ? '' : `Destination="${escapeXml(destination)}"`,
    o.inResponseTo ? `InResponseTo="${escapeXml(o.inResponseTo)}"` : '',
  ].filter(Boolean);
  return (
    `<samlp:Response xmlns:samlp="${SAMLP}" xmlns:saml="${SAML}" ${attrs.join(' ')}>` +
    `<saml:Issuer>${escapeXml(o.issuer ?? TEST_IDP_ISSUER)}</saml:Issuer>` +
    extensions +
    `<samlp:Status><samlp:StatusCode Value="${escapeXml(o.statusCode ?? 'urn:oasis:names:tc:SAML:2.0:status:Success')}"/></samlp:Status>` +
    assertion +
    `</samlp:Response>`
  );
}

/** The Response document, signed as asked. */
export function samlResponseXml(sp: ServiceProvider, o: ResponseOptions): string {
  const assertionId = o.assertionId ?? newSamlId();
  const key = o.key ?? 'trusted';
  const mode = o.sign ?? 'assertion';
  const extensions = (o.extensionsXml ?? '') + '<x/>'.repeat(o.padElements ?? 0);
  const padding = extensions ? `<samlp:Extensions>${extensions}</samlp:Extensions>` : '';
  let xml = responseXml(sp, o, assertionXml(sp, o, assertionId, o.nameId, o.email), padding);
  if (mode === 'assertion' || mode === 'both') xml = sign(xml, 'Assertion', key);
  if (o.wrap) return wrapped(sp, o, xml, assertionId);
  if (mode === 'response' || mode === 'both') xml = sign(xml, 'Response', key);
  return xml;
}

/**
 * XML signature wrapping: the genuinely signed assertion moves into <samlp:Extensions>, where a
 * careless verifier still finds it by id, and a forged assertion with the same id and a copy of the
 * signature takes its place as the Response's assertion.
 */
function wrapped(sp: ServiceProvider, o: ResponseOptions, signedResponse: string, assertionId: string): string {
  const start = signedResponse.indexOf('<saml:Assertion');
  const end = signedResponse.indexOf('</saml:Assertion>') + '</saml:Assertion>'.length;
  const signedAssertion = signedResponse.slice(start, end);
  const signature = signedAssertion.slice(signedAssertion.indexOf('<ds:Signature'), signedAssertion.indexOf('</ds:Signature>') + '</ds:Signature>'.length);
  const forged = assertionXml(sp, o, assertionId, o.wrap!.nameId, o.wrap!.email ?? null).replace('</saml:Issuer>', `</saml:Issuer>${signature}`);
  return responseXml(sp, o, forged, `<samlp:Extensions>${signedAssertion}</samlp:Extensions>`);
}

/** The base64 `SAMLResponse` form value. */
export function samlResponse(sp: ServiceProvider, o: ResponseOptions): string {
  return Buffer.from(samlResponseXml(sp, o), 'utf8').toString('base64');
}

export interface PostOptions extends ResponseOptions {
  relayState?: string;
  /** `Cookie` header value, e.g. the `roster_session=…` of a signed-in browser. */
  cookie?: string;
  /** Post this raw `SAMLResponse` value instead of building one (garbage, replays). */
  rawSamlResponse?: string;
  /** Extra form fields. */
  fields?: Record<string, string>;
  headers?: Record<string, string>;
}

/** POSTs a Response to the ACS with the HTTP-POST binding (form-encoded), as a browser would. */
export function postSamlResponse(http: Agent, sp: ServiceProvider, o: PostOptions): Test {
  const form = new URLSearchParams({ SAMLResponse: o.rawSamlResponse ?? samlResponse(sp, o) });
  if (o.relayState !== undefined) form.set('RelayState', o.relayState);
  for (const [k, v] of Object.entries(o.fields ?? {})) form.set(k, v);
  const request = http.post(sp.acsPath).set('Content-Type', 'application/x-www-form-urlencoded');
  if (o.cookie) request.set('Cookie', o.cookie);
  for (const [k, v] of Object.entries(o.headers ?? {})) request.set(k, v);
  return request.send(form.toString());
}

/**
 * An IdP-style HTTP-POST binding page for a real browser (e.g. Playwright's `page.setContent`):
 * a form to the ACS with the SAMLResponse and RelayState, and a button `#post` to submit it. Posted
 * from this page the request is cross-site, as from a real IdP.
 */
export function samlPostFormHtml(sp: ServiceProvider, o: ResponseOptions & { relayState?: string }): string {
  const relay = o.relayState === undefined ? '' : `<input type="hidden" name="RelayState" value="${escapeXml(o.relayState)}">`;
  return (
    `<!doctype html><html><body><form method="post" action="${escapeXml(sp.acsUrl)}">` +
    `<input type="hidden" name="SAMLResponse" value="${samlResponse(sp, o)}">${relay}` +
    `<button id="post" type="submit">Sign in to Roster</button></form></body></html>`
  );
}

/** The AuthnRequest carried by an HTTP-Redirect binding URL (the `Location` of the SSO start), as XML. */
export function authnRequestXmlFromRedirect(location: string): string {
  const encoded = new URL(location).searchParams.get('SAMLRequest');
  if (!encoded) throw new Error(`no SAMLRequest in ${location}`);
  return inflateRawSync(Buffer.from(encoded, 'base64')).toString('utf8');
}

/** The AuthnRequest's ID, which an IdP answers with InResponseTo. */
export function authnRequestIdFromRedirect(location: string): string {
  const match = /\sID="([^"]+)"/.exec(authnRequestXmlFromRedirect(location));
  if (!match) throw new Error('the AuthnRequest has no ID');
  return match[1];
}

/** The `roster_session=<secret>` pair from a response's Set-Cookie, ready for a `Cookie` header. */
export function sessionCookieFrom(setCookie: string[] | string | undefined): string | undefined {
  const list = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  const found = list.find((c) => c.startsWith('roster_session='));
  return found?.split(';')[0];
}
