import { verify as verifySignature, X509Certificate } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { elementOpeningsOver } from './saml-response-limits.js';
import { CLOCK_SKEW_MS } from './saml-response-validator.js';
import { parseXmlDocument, verifiedSignedXml } from './xml-security.js';

/**
 * Reading the IdP's single-logout messages (LogoutRequest, LogoutResponse) in either binding, with
 * the signature required: node-saml accepts an HTTP-Redirect message without a Signature at all,
 * and would let anyone end anyone's sessions. Logout messages are small (1–3 KB), so the caps are
 * tighter than a sign-in response's, and the checks run before and instead of any large parse.
 */
export const MAX_LOGOUT_BYTES = 32 * 1024;
export const MAX_LOGOUT_ELEMENTS = 200;
/** How old a logout message may be: the IdP sends it as the browser leaves; clocks may differ by the skew. */
export const LOGOUT_MAX_AGE_MS = 10 * 60 * 1000;

const SAMLP_NS = 'urn:oasis:names:tc:SAML:2.0:protocol';
const SAML_NS = 'urn:oasis:names:tc:SAML:2.0:assertion';
const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';

/** The signature algorithms an HTTP-Redirect message may name (SHA-1 still in real IdPs' use). */
const REDIRECT_ALGORITHMS: Record<string, string> = {
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256': 'sha256',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512': 'sha512',
  'http://www.w3.org/2000/09/xmldsig#rsa-sha1': 'sha1',
};

export type LogoutRefusalReason =
  'malformed' | 'too_large' | 'unsigned' | 'invalid_signature' | 'wrong_issuer' | 'wrong_destination' | 'expired' | 'idp_error' | 'in_response_to_mismatch' | 'replayed';

export class InvalidLogoutMessage extends Error {
  constructor(
    readonly reason: LogoutRefusalReason,
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'InvalidLogoutMessage';
  }
}

export interface LogoutMessage {
  kind: 'LogoutRequest' | 'LogoutResponse';
  id: string;
  issuer: string | null;
  destination: string | null;
  inResponseTo: string | null;
  issueInstant: string | null;
  notOnOrAfter: string | null;
  /** LogoutRequest: the NameID exactly as signed. */
  nameId: string | null;
  sessionIndexes: string[];
  /** LogoutResponse: the top-level StatusCode. */
  statusCode: string | null;
}

export interface ReadLogout {
  message: LogoutMessage;
  relayState: string | null;
}

/** `k=v&…` of the raw query string, values still percent-encoded (the signature covers them so). */
function rawParameters(rawQuery: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const pair of rawQuery.split('&')) {
    const at = pair.indexOf('=');
    if (at <= 0) continue;
    const key = pair.slice(0, at);
    if (out.has(key)) throw new InvalidLogoutMessage('malformed', `the query repeats ${key}`);
    out.set(key, pair.slice(at + 1));
  }
  return out;
}

function decodeComponent(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    throw new InvalidLogoutMessage('malformed', 'a query parameter is not URL-encoded');
  }
}

function base64Bytes(value: string, what: string): Buffer {
  const compact = value.replace(/\s+/g, '');
  if (compact.length > Math.ceil(MAX_LOGOUT_BYTES / 3) * 4) throw new InvalidLogoutMessage('too_large', `${what} is longer than ${MAX_LOGOUT_BYTES} bytes`);
  if (compact === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) throw new InvalidLogoutMessage('malformed', `${what} is not base64`);
  return Buffer.from(compact, 'base64');
}

/** UTF-8 XML within the caps and without a DTD. */
function hardened(bytes: Buffer): string {
  if (bytes.length > MAX_LOGOUT_BYTES) throw new InvalidLogoutMessage('too_large', `the message is over ${MAX_LOGOUT_BYTES} bytes`);
  if (elementOpeningsOver(bytes, MAX_LOGOUT_ELEMENTS)) throw new InvalidLogoutMessage('too_large', `the message has more than ${MAX_LOGOUT_ELEMENTS} elements`);
  const xml = bytes
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trim();
  if (!xml.startsWith('<')) throw new InvalidLogoutMessage('malformed', 'the message is not XML');
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new InvalidLogoutMessage('malformed', 'the message contains a DTD');
  return xml;
}

function parse(xml: string): Element {
  try {
    const root = parseXmlDocument(xml).documentElement;
    if (root) return root;
  } catch (error) {
    throw new InvalidLogoutMessage('malformed', `not well-formed XML: ${(error instanceof Error ? error.message : String(error)).split('\n')[0].slice(0, 200)}`);
  }
  throw new InvalidLogoutMessage('malformed', 'the message is empty');
}

function childElements(parent: Element, ns: string, localName: string): Element[] {
  return Array.from(parent.childNodes).filter((n): n is Element => n.nodeType === 1 && (n as Element).namespaceURI === ns && (n as Element).localName === localName);
}

function messageOf(root: Element, expected: 'SAMLRequest' | 'SAMLResponse'): LogoutMessage {
  const kind = expected === 'SAMLRequest' ? 'LogoutRequest' : 'LogoutResponse';
  if (root.namespaceURI !== SAMLP_NS || root.localName !== kind) throw new InvalidLogoutMessage('malformed', `the ${expected} is a ${root.localName}, not a ${kind}`);
  const issuers = childElements(root, SAML_NS, 'Issuer');
  if (issuers.length > 1) throw new InvalidLogoutMessage('wrong_issuer', 'the message has more than one Issuer');
  const nameIds = childElements(root, SAML_NS, 'NameID');
  if (kind === 'LogoutRequest' && nameIds.length !== 1) throw new InvalidLogoutMessage('malformed', `the LogoutRequest has ${nameIds.length} NameIDs, not one`);
  const status = childElements(root, SAMLP_NS, 'Status')[0];
  const id = root.getAttribute('ID') ?? '';
  if (id === '' || id.length > 256) throw new InvalidLogoutMessage('malformed', 'the message has no usable ID');
  return {
    kind,
    id,
    issuer: issuers[0]?.textContent ?? null,
    destination: root.getAttribute('Destination') || null,
    inResponseTo: root.getAttribute('InResponseTo') || null,
    issueInstant: root.getAttribute('IssueInstant') || null,
    notOnOrAfter: root.getAttribute('NotOnOrAfter') || null,
    nameId: nameIds[0]?.textContent ?? null,
    sessionIndexes: childElements(root, SAMLP_NS, 'SessionIndex').map((e) => e.textContent ?? ''),
    statusCode: status ? (childElements(status, SAMLP_NS, 'StatusCode')[0]?.getAttribute('Value') ?? null) : null,
  };
}

/**
 * An HTTP-Redirect message (`rawQuery` as received, before any decoding): the query signature
 * over `SAMLRequest|SAMLResponse=…[&RelayState=…]&SigAlg=…` must verify with one of the IdP's
 * certificates, then the deflated XML is inflated within the cap.
 */
export async function readRedirectLogout(rawQuery: string, certificates: string[]): Promise<ReadLogout> {
  const params = rawParameters(rawQuery);
  const type = params.has('SAMLRequest') ? 'SAMLRequest' : params.has('SAMLResponse') ? 'SAMLResponse' : null;
  if (!type || (params.has('SAMLRequest') && params.has('SAMLResponse'))) throw new InvalidLogoutMessage('malformed', 'the query carries neither a SAMLRequest nor a SAMLResponse');
  const sigAlg = params.get('SigAlg');
  const signature = params.get('Signature');
  if (sigAlg === undefined || signature === undefined) throw new InvalidLogoutMessage('unsigned', `the ${type} carries no Signature`);
  const hash = REDIRECT_ALGORITHMS[decodeComponent(sigAlg)];
  if (!hash) throw new InvalidLogoutMessage('invalid_signature', `SigAlg ${decodeComponent(sigAlg).slice(0, 100)} is not supported`);
  const relayRaw = params.get('RelayState');
  const signed = Buffer.from(`${type}=${params.get(type)}${relayRaw !== undefined ? `&RelayState=${relayRaw}` : ''}&SigAlg=${sigAlg}`, 'utf8');
  const signatureBytes = base64Bytes(decodeComponent(signature), 'Signature');
  const verified = certificates.some((pem) => {
    try {
      return verifySignature(hash, signed, new X509Certificate(pem).publicKey, signatureBytes);
    } catch {
      return false;
    }
  });
  if (!verified) throw new InvalidLogoutMessage('invalid_signature', `the ${type}'s query signature does not verify with the IdP certificate`);
  let inflated: Buffer;
  try {
    inflated = inflateRawSync(base64Bytes(decodeComponent(params.get(type)!), type), { maxOutputLength: MAX_LOGOUT_BYTES });
  } catch (error) {
    if (error instanceof InvalidLogoutMessage) throw error;
    throw new InvalidLogoutMessage(error instanceof RangeError ? 'too_large' : 'malformed', `the ${type} does not inflate within ${MAX_LOGOUT_BYTES} bytes`);
  }
  return { message: messageOf(parse(hardened(inflated)), type), relayState: relayRaw !== undefined ? decodeComponent(relayRaw) : null };
}

/** An HTTP-POST message: base64 XML whose root carries an enveloped signature by the IdP; only what it signs is read. */
export async function readPostLogout(form: Record<string, string>, certificates: string[]): Promise<ReadLogout> {
  const type = form.SAMLRequest !== undefined ? 'SAMLRequest' : form.SAMLResponse !== undefined ? 'SAMLResponse' : null;
  if (!type || (form.SAMLRequest !== undefined && form.SAMLResponse !== undefined)) throw new InvalidLogoutMessage('malformed', 'the form carries neither a SAMLRequest nor a SAMLResponse');
  const xml = hardened(base64Bytes(form[type], type));
  const root = parse(xml);
  let verifiedXml: string | null;
  try {
    verifiedXml = verifiedSignedXml(xml, root, certificates);
  } catch (error) {
    throw new InvalidLogoutMessage('invalid_signature', (error instanceof Error ? error.message : String(error)).slice(0, 200));
  }
  if (verifiedXml === null) {
    const signed = Array.from(root.childNodes).some((n) => n.nodeType === 1 && (n as Element).localName === 'Signature');
    throw new InvalidLogoutMessage(signed ? 'invalid_signature' : 'unsigned', `the ${type} is ${signed ? 'not signed by the IdP certificate' : 'not signed'}`);
  }
  return { message: messageOf(parse(verifiedXml), type), relayState: form.RelayState ?? null };
}

export interface LogoutExpectations {
  /** This SP's SLO endpoint: the Destination, when the message names one. */
  spSloUrl: string;
  /** The provider's IdP entity id, when set: the Issuer must be exactly it. */
  idpEntityId: string | null;
  now?: number;
}

/** Issuer, Destination and time window; a LogoutResponse must also report Success. */
export function checkLogoutMessage(message: LogoutMessage, expected: LogoutExpectations): void {
  const now = expected.now ?? Date.now();
  if (expected.idpEntityId && message.issuer !== expected.idpEntityId) {
    throw new InvalidLogoutMessage('wrong_issuer', `the Issuer is ${JSON.stringify((message.issuer ?? 'missing').slice(0, 200))}, not ${JSON.stringify(expected.idpEntityId)}`);
  }
  if (message.destination && message.destination !== expected.spSloUrl)
    throw new InvalidLogoutMessage('wrong_destination', `Destination ${message.destination.slice(0, 200)} is not ${expected.spSloUrl}`);
  const issued = message.issueInstant ? Date.parse(message.issueInstant) : NaN;
  if (Number.isNaN(issued)) throw new InvalidLogoutMessage('malformed', 'the message has no IssueInstant');
  if (issued > now + CLOCK_SKEW_MS || issued < now - LOGOUT_MAX_AGE_MS - CLOCK_SKEW_MS)
    throw new InvalidLogoutMessage('expired', `IssueInstant ${message.issueInstant} is outside the accepted window`);
  if (message.notOnOrAfter) {
    const end = Date.parse(message.notOnOrAfter);
    if (Number.isNaN(end) || now - CLOCK_SKEW_MS >= end) throw new InvalidLogoutMessage('expired', 'the LogoutRequest has expired (NotOnOrAfter)');
  }
  if (message.kind === 'LogoutRequest' && (message.nameId === null || message.nameId.trim() === '')) throw new InvalidLogoutMessage('malformed', 'the LogoutRequest has no NameID');
  if (message.kind === 'LogoutResponse' && message.statusCode !== SUCCESS)
    throw new InvalidLogoutMessage('idp_error', `the LogoutResponse's StatusCode is ${message.statusCode ?? 'missing'}, not Success`);
}
