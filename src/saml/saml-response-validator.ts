import { SAML, ValidateInResponseTo } from '@node-saml/node-saml';
import type { Profile } from '@node-saml/node-saml';
import { isEmailAddress } from '../users/email-address.js';
import { decodedSizeProblem, encodedSizeProblem } from './saml-response-limits.js';
import type { ServiceProvider } from './service-provider.js';
import { decryptXml, parseXmlDocument } from './xml-security.js';

/** saml.md: NotBefore / NotOnOrAfter are honoured with at most 3 minutes of clock skew. */
export const CLOCK_SKEW_MS = 3 * 60 * 1000;
/** The SAML identity's extern_uid column holds at most 255 characters, as GitLab's does. */
const MAX_NAME_ID_LENGTH = 255;
const MAX_ID_LENGTH = 256;
const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';
const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';
const TRANSIENT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient';
const SAMLP_NS = 'urn:oasis:names:tc:SAML:2.0:protocol';
const SAML_NS = 'urn:oasis:names:tc:SAML:2.0:assertion';
const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';
const EMAIL_ATTRIBUTES = ['email', 'mail', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress'];

/** Why a response is not accepted; each has its own explanation page (saml-pages.ts). */
export type InvalidResponseReason =
  | 'malformed'
  | 'too_large'
  | 'unsigned'
  | 'invalid_signature'
  | 'wrong_audience'
  | 'wrong_destination'
  | 'wrong_recipient'
  | 'expired'
  | 'not_yet_valid'
  | 'in_response_to_mismatch'
  | 'idp_error'
  | 'transient_name_id'
  | 'wrong_issuer'
  | 'assertion_unsigned'
  /** The EncryptedAssertion does not decrypt with any of the provider's SP keys, or uses an algorithm Roster refuses. */
  | 'decryption_failed'
  /** The provider requires encrypted assertions and this one is in clear. */
  | 'assertion_not_encrypted'
  | 'invalid_response'
  /** Validation did not finish within its deadline (saml-validation-pool.ts): the worker was ended. */
  | 'validation_timeout'
  /** Every validation worker is busy and the queue is full: try again in a moment. */
  | 'validation_busy';

export class InvalidSamlResponse extends Error {
  constructor(
    readonly reason: InvalidResponseReason,
    /** Technical detail for the audit event; never shown to the person. */
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'InvalidSamlResponse';
  }
}

/** The provider's settings a response is checked against, besides the certificate. */
export interface ValidationSettings {
  /** The IdP's entity id: when set, the Assertion's Issuer, and the Response's when it has one, must be exactly this. */
  idpEntityId?: string | null;
  /** The Assertion itself must be signed; a Response-level signature alone is refused. */
  wantAssertionsSigned?: boolean;
  /** The provider's SP private keys (PEM), current first: an EncryptedAssertion must decrypt with one. */
  decryptionKeys?: string[];
  /** An assertion in clear is refused. */
  requireEncryptedAssertions?: boolean;
}

/** What a valid, signed assertion says, in the terms the sign-in decision uses. */
export interface ValidAssertion {
  nameId: string;
  email: string | null;
  assertionId: string;
  /** The AuthnRequest this answers, or null for an IdP-initiated sign-in. */
  inResponseTo: string | null;
  /** When the assertion stops being acceptable anyway: how long its id must be remembered. */
  expiresAt: string;
  /** Every attribute's text values (group sync reads the groups attribute from here). */
  attributes: Record<string, string[]>;
  /** The NameID's Format and the AuthnStatement's SessionIndex: a LogoutRequest names both back. */
  nameIdFormat: string | null;
  sessionIndex: string | null;
}

/** Values kept per attribute: far above any real groups claim (Entra caps its own at 150). */
export const MAX_ATTRIBUTE_VALUES = 1000;

function textAttributes(profile: Record<string, unknown>): Record<string, string[]> {
  const out: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  const attributes = (profile.attributes ?? {}) as Record<string, unknown>;
  for (const [name, value] of Object.entries(attributes)) {
    const list = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
    out[name] = list.slice(0, MAX_ATTRIBUTE_VALUES);
  }
  return out;
}

type XmlNode = { $?: Record<string, string>; _?: string } & Record<string, unknown>;

function children(node: XmlNode | undefined, name: string): XmlNode[] {
  const value = node?.[name];
  return Array.isArray(value) ? (value as XmlNode[]) : [];
}

/**
 * The group's SAML service provider as @node-saml/node-saml models it. InResponseTo is checked by
 * the caller against the saml_requests table (node-saml's own cache would live in one process).
 */
export function nodeSaml(sp: ServiceProvider, idpCertificate: string | string[], ssoUrl: string | null, requestId?: string, settings: ValidationSettings = {}, decryptionPvk?: string): SAML {
  return new SAML({
    issuer: sp.entityId,
    callbackUrl: sp.acsUrl,
    audience: sp.entityId,
    idpCert: idpCertificate,
    entryPoint: ssoUrl ?? undefined,
    // Either the Response or the Assertion must be signed (saml.md), unless the provider wants the
    // Assertion signed; node-saml insists on a verified assertion whenever the Response itself
    // carries no valid signature.
    wantAssertionsSigned: settings.wantAssertionsSigned === true,
    wantAuthnResponseSigned: false,
    acceptedClockSkewMs: CLOCK_SKEW_MS,
    validateInResponseTo: ValidateInResponseTo.never,
    identifierFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
    // Requesting a password-based context makes Entra and Okta refuse users who sign in with MFA.
    disableRequestedAuthnContext: true,
    signatureAlgorithm: 'sha256',
    ...(decryptionPvk ? { decryptionPvk } : {}),
    ...(requestId ? { generateUniqueId: () => requestId } : {}),
  });
}

/**
 * Content encryption and key transport an EncryptedAssertion may use (issue 14): AES-CBC/GCM with
 * RSA-OAEP; no RSA 1.5, no 3DES. Key transport is XML Encryption 1.0's rsa-oaep-mgf1p only, what
 * Entra, Okta and OneLogin send: xml-encryption cannot decrypt 1.1's `xmlenc11#rsa-oaep`, and
 * letting it through would refuse it as a key that does not fit, sending the owner after the keys.
 */
const CONTENT_ALGORITHMS = new Set([
  'http://www.w3.org/2001/04/xmlenc#aes128-cbc',
  'http://www.w3.org/2001/04/xmlenc#aes256-cbc',
  'http://www.w3.org/2009/xmlenc11#aes128-gcm',
  'http://www.w3.org/2009/xmlenc11#aes256-gcm',
]);
const RSA_OAEP_MGF1P = 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p';
const XMLENC_NS = 'http://www.w3.org/2001/04/xmlenc#';

/**
 * Which of the provider's SP keys opens the Response's EncryptedAssertion (during a rotation the
 * IdP may still encrypt to the previous one), after checking the algorithms it names; undefined
 * when the assertion is not encrypted. node-saml then decrypts with that key.
 */
async function decryptionKeyFor(root: Element, settings: ValidationSettings): Promise<string | undefined> {
  const encrypted = childElements(root, SAML_NS, 'EncryptedAssertion');
  if (encrypted.length === 0) {
    if (settings.requireEncryptedAssertions) throw new InvalidSamlResponse('assertion_not_encrypted', 'the provider requires encrypted assertions and this assertion is in clear');
    return undefined;
  }
  const methods = Array.from(encrypted[0].getElementsByTagNameNS(XMLENC_NS, 'EncryptionMethod')).map((m) => ({
    algorithm: m.getAttribute('Algorithm') ?? '',
    forKey: (m.parentNode as Element | null)?.localName === 'EncryptedKey',
  }));
  const content = methods.filter((m) => !m.forKey).map((m) => m.algorithm);
  const transport = methods.filter((m) => m.forKey).map((m) => m.algorithm);
  if (content.length !== 1 || !CONTENT_ALGORITHMS.has(content[0]))
    throw new InvalidSamlResponse('decryption_failed', `content encryption ${content.join(', ').slice(0, 200) || 'missing'} is not one Roster accepts`);
  if (transport.length === 0 || !transport.every((a) => a === RSA_OAEP_MGF1P)) {
    throw new InvalidSamlResponse('decryption_failed', `key transport ${transport.join(', ').slice(0, 200) || 'missing'} is not RSA-OAEP with MGF1 (${RSA_OAEP_MGF1P})`);
  }
  const keys = settings.decryptionKeys ?? [];
  for (const key of keys) {
    try {
      await decryptXml(encrypted[0].toString(), key);
      return key;
    } catch {
      /* the next key, or the refusal below */
    }
  }
  throw new InvalidSamlResponse('decryption_failed', `the EncryptedAssertion does not decrypt with any of the provider's ${keys.length} SP keys`);
}

/**
 * The cheap structural checks made before any XML parse, on the main thread: base64, and the size
 * and element caps (saml-response-limits.ts), counted on the bytes. Returns the decoded bytes, in
 * an ArrayBuffer of their own so they can be handed to a worker without a copy.
 */
export function decodeSamlResponse(samlResponse: string): Uint8Array {
  // Copies of a value up to 1 MiB are made only when needed: each costs the event loop too.
  const compact = /\s/.test(samlResponse) ? samlResponse.replace(/\s+/g, '') : samlResponse;
  const tooLong = encodedSizeProblem(compact);
  if (tooLong) throw new InvalidSamlResponse('too_large', tooLong);
  if (compact === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) throw new InvalidSamlResponse('malformed', 'SAMLResponse is not base64');
  const bytes = Buffer.from(compact, 'base64');
  // Before any parser runs: what a parse and node-saml's lookups may cost is bounded by these caps.
  const tooBig = decodedSizeProblem(bytes);
  if (tooBig) throw new InvalidSamlResponse('too_large', tooBig);
  return new Uint8Array(bytes);
}

/** The decoded bytes as XML text: UTF-8, and no DTD (SAML never needs one). */
export function xmlOf(bytes: Uint8Array): string {
  const xml = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trim();
  if (!xml.startsWith('<')) throw new InvalidSamlResponse('malformed', 'SAMLResponse does not decode to XML');
  // Refusing DTDs rules out entity-expansion tricks before any parser runs.
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new InvalidSamlResponse('malformed', 'SAMLResponse contains a DTD');
  return xml;
}

/** node-saml reports problems as Error messages; they become reasons the page and audit can name. */
function classify(error: unknown, xml: string): InvalidSamlResponse {
  if (error instanceof InvalidSamlResponse) return error;
  const message = error instanceof Error ? error.message : String(error);
  const detail = message.slice(0, 500);
  if (error instanceof Error && error.name === 'SamlStatusError') return new InvalidSamlResponse('idp_error', detail);
  if (/status/i.test(message) && /SAML provider returned/i.test(message)) return new InvalidSamlResponse('idp_error', detail);
  if (/signature/i.test(message)) {
    return new InvalidSamlResponse(/<(\w+:)?Signature[\s>]/.test(xml) ? 'invalid_signature' : 'unsigned', detail);
  }
  if (/audience/i.test(message)) return new InvalidSamlResponse('wrong_audience', detail);
  if (/not yet valid/i.test(message)) return new InvalidSamlResponse('not_yet_valid', detail);
  if (/expired/i.test(message)) return new InvalidSamlResponse('expired', detail);
  if (/xml|parse|document|tag|entity|char/i.test(message)) return new InvalidSamlResponse('malformed', detail);
  return new InvalidSamlResponse('invalid_response', detail);
}

function timestamp(value: string | undefined, what: string): number | null {
  if (value === undefined) return null;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new InvalidSamlResponse('invalid_response', `${what} is not a timestamp`);
  return ms;
}

function firstString(value: unknown): string | null {
  const v = Array.isArray(value) ? value[0] : value;
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
}

/** The email of saml.md: the email / mail / emailaddress claim, else the NameID when it is an address. */
export function emailOf(profile: Pick<Profile, 'nameID'> & Record<string, unknown>): string | null {
  const attributes = (profile.attributes ?? {}) as Record<string, unknown>;
  for (const name of EMAIL_ATTRIBUTES) {
    const value = firstString(attributes[name]);
    if (value && isEmailAddress(value)) return value;
  }
  return isEmailAddress(profile.nameID) ? profile.nameID : null;
}

/**
 * The checks node-saml leaves to its caller, made on the verified assertion: a bearer
 * SubjectConfirmation addressed to this ACS (Recipient) and still within its time window, and the
 * Response's Destination.
 */
function checkSubjectAndDestination(sp: ServiceProvider, assertion: XmlNode, responseXmlRoot: Element | null, now: number) {
  const confirmations = children(children(assertion, 'Subject')[0], 'SubjectConfirmation').filter((c) => c.$?.Method === BEARER);
  const data = confirmations.map((c) => children(c, 'SubjectConfirmationData')[0]?.$ ?? {});
  const addressed = data.filter((d) => d.Recipient === sp.acsUrl);
  if (addressed.length === 0) {
    throw new InvalidSamlResponse('wrong_recipient', `no bearer SubjectConfirmation with Recipient ${sp.acsUrl} (got ${data.map((d) => d.Recipient ?? 'none').join(', ') || 'none'})`);
  }
  const current = addressed.filter((d) => {
    const notBefore = timestamp(d.NotBefore, 'SubjectConfirmationData NotBefore');
    const notOnOrAfter = timestamp(d.NotOnOrAfter, 'SubjectConfirmationData NotOnOrAfter');
    return (notBefore === null || now + CLOCK_SKEW_MS >= notBefore) && (notOnOrAfter === null || now - CLOCK_SKEW_MS < notOnOrAfter);
  });
  if (current.length === 0) throw new InvalidSamlResponse('expired', 'the bearer SubjectConfirmation has expired');
  const destination = responseXmlRoot?.getAttribute('Destination');
  if (destination && destination !== sp.acsUrl) throw new InvalidSamlResponse('wrong_destination', `Destination ${destination} is not ${sp.acsUrl}`);
  return current[0];
}

/** The Response's own top-level status (ruby-saml parity): an IdP's refusal never signs anyone in. */
function checkStatusAndAssertionCount(root: Element | null): void {
  const status = root ? childElements(root, SAMLP_NS, 'Status')[0] : undefined;
  const code = status ? childElements(status, SAMLP_NS, 'StatusCode')[0]?.getAttribute('Value') : undefined;
  if (code !== SUCCESS) throw new InvalidSamlResponse('idp_error', `the Response's StatusCode is ${code ?? 'missing'}, not Success`);
  // One assertion in the whole document, wherever it hides, as ruby-saml insists: a second one is
  // either a wrapping attempt or something Roster would have to choose from.
  const count = root ? root.getElementsByTagNameNS(SAML_NS, 'Assertion').length + root.getElementsByTagNameNS(SAML_NS, 'EncryptedAssertion').length : 0;
  if (count !== 1) throw new InvalidSamlResponse('invalid_response', `the Response carries ${count} assertions, not exactly one`);
}

/**
 * A provider that wants the Assertion signed: a Response whose assertion carries no signature of its
 * own is refused with that reason (node-saml would only say "Invalid signature"). A signature that
 * is there but wrong is node-saml's to refuse.
 */
function requireAssertionSignature(root: Element): void {
  const assertion = childElements(root, SAML_NS, 'Assertion')[0];
  if (assertion && childElements(assertion, DSIG_NS, 'Signature').length === 0) {
    throw new InvalidSamlResponse('assertion_unsigned', 'the provider requires a signed Assertion; this one is not signed (only the Response may be)');
  }
}

/**
 * ruby-saml's `idp_entity_id` check: the verified assertion's Issuer, and the Response's Issuer
 * when it has one, are exactly the configured entity id (never trimmed).
 */
function checkIssuers(root: Element | null, assertion: XmlNode, expected: string): void {
  const issuers = children(assertion, 'Issuer');
  const assertionIssuer = issuers.length === 1 ? (typeof issuers[0] === 'string' ? (issuers[0] as unknown as string) : (issuers[0]._ ?? '')) : null;
  if (assertionIssuer !== expected) {
    throw new InvalidSamlResponse(
      'wrong_issuer',
      `the Assertion's Issuer is ${assertionIssuer === null ? 'missing' : JSON.stringify(assertionIssuer.slice(0, 200))}, not ${JSON.stringify(expected)}`,
    );
  }
  const responseIssuers = root ? childElements(root, SAML_NS, 'Issuer') : [];
  if (responseIssuers.length > 1) throw new InvalidSamlResponse('wrong_issuer', 'the Response has more than one Issuer');
  const responseIssuer = responseIssuers[0]?.textContent;
  if (responseIssuers.length === 1 && responseIssuer !== expected) {
    throw new InvalidSamlResponse('wrong_issuer', `the Response's Issuer is ${JSON.stringify((responseIssuer ?? '').slice(0, 200))}, not ${JSON.stringify(expected)}`);
  }
}

function childElements(parent: Element, ns: string, localName: string): Element[] {
  return Array.from(parent.childNodes).filter((n): n is Element => n.nodeType === 1 && (n as Element).namespaceURI === ns && (n as Element).localName === localName);
}

/**
 * The NameID of the verified assertion's one Subject, exactly as signed: saml.md matches it byte
 * for byte, so `" victim@victim.com\n"` is not `victim@victim.com`. A transient NameID changes with
 * every sign-in and cannot identify a person.
 */
function subjectNameId(assertion: XmlNode): string {
  const subjects = children(assertion, 'Subject');
  if (subjects.length !== 1) throw new InvalidSamlResponse('invalid_response', `the assertion has ${subjects.length} Subjects, not exactly one`);
  const nameIds = children(subjects[0], 'NameID');
  if (nameIds.length !== 1) throw new InvalidSamlResponse('invalid_response', `the Subject has ${nameIds.length} NameIDs, not exactly one`);
  if (nameIds[0].$?.Format === TRANSIENT) throw new InvalidSamlResponse('transient_name_id', 'the NameID is transient');
  const value = typeof nameIds[0]._ === 'string' ? nameIds[0]._ : '';
  if (value.trim() === '') throw new InvalidSamlResponse('invalid_response', 'the assertion has no NameID');
  return value;
}

/**
 * Validates a base64 `SAMLResponse` for the group's service provider in this thread: the
 * structural checks of decodeSamlResponse, then validateSamlDocument. The server runs the second
 * part in its worker pool (saml-validation-pool.ts); this is what that pool's results must equal.
 */
export async function validateSamlResponse(sp: ServiceProvider, idpCertificate: string | string[], samlResponse: string, settings: ValidationSettings = {}): Promise<ValidAssertion> {
  return validateSamlDocument(sp, idpCertificate, decodeSamlResponse(samlResponse), settings);
}

/** Validates decoded bytes (decodeSamlResponse): what a validation worker runs. */
export async function validateSamlDocument(sp: ServiceProvider, idpCertificate: string | string[], document: Uint8Array, settings: ValidationSettings = {}): Promise<ValidAssertion> {
  return validateSamlXml(sp, idpCertificate, xmlOf(document), settings);
}

/**
 * Validates the XML of a response (xmlOf) for the group's service provider: signature
 * (Response or Assertion, by the configured IdP certificate; wrapping is node-saml's job),
 * status, audience, time window, Recipient, Destination. Throws InvalidSamlResponse; replay and
 * InResponseTo need the database and are the caller's. Its cost grows with the document (bounded
 * by the caps), which is why the server calls it in a worker with a deadline.
 */
export async function validateSamlXml(sp: ServiceProvider, idpCertificate: string | string[], xml: string, settings: ValidationSettings = {}): Promise<ValidAssertion> {
  let profile: Profile | null;
  let root: Element | null;
  try {
    root = parseXmlDocument(xml).documentElement;
    if (root?.localName !== 'Response') throw new InvalidSamlResponse('malformed', `the document is a ${root?.localName ?? 'nothing'}, not a SAML Response`);
    if (settings.wantAssertionsSigned) requireAssertionSignature(root);
    const decryptionKey = await decryptionKeyFor(root, settings);
    ({ profile } = await nodeSaml(sp, idpCertificate, null, undefined, settings, decryptionKey).validatePostResponseAsync({ SAMLResponse: Buffer.from(xml, 'utf8').toString('base64') }));
  } catch (error) {
    throw classify(error, xml);
  }
  if (!profile || !profile.getAssertion) throw new InvalidSamlResponse('invalid_response', 'the response carries no assertion');
  const assertion = (profile.getAssertion() as { Assertion?: XmlNode }).Assertion;
  if (!assertion) throw new InvalidSamlResponse('invalid_response', 'the response carries no assertion');
  checkStatusAndAssertionCount(root);
  if (settings.idpEntityId) checkIssuers(root, assertion, settings.idpEntityId);
  const now = Date.now();
  const confirmation = checkSubjectAndDestination(sp, assertion, root, now);

  const assertionId = assertion.$?.ID;
  if (!assertionId || assertionId.length > MAX_ID_LENGTH) throw new InvalidSamlResponse('invalid_response', 'the assertion has no usable ID');
  const nameId = subjectNameId(assertion);
  if (nameId.length > MAX_NAME_ID_LENGTH) throw new InvalidSamlResponse('invalid_response', `the NameID is longer than ${MAX_NAME_ID_LENGTH} characters`);

  const responseInResponseTo = root?.getAttribute('InResponseTo') || null;
  const subjectInResponseTo = confirmation.InResponseTo || null;
  if (responseInResponseTo && subjectInResponseTo && responseInResponseTo !== subjectInResponseTo) {
    throw new InvalidSamlResponse('in_response_to_mismatch', 'InResponseTo of the Response and of the SubjectConfirmation differ');
  }

  const conditions = children(assertion, 'Conditions')[0]?.$ ?? {};
  const ends = [timestamp(conditions.NotOnOrAfter, 'Conditions NotOnOrAfter'), timestamp(confirmation.NotOnOrAfter, 'SubjectConfirmationData NotOnOrAfter')].filter((t): t is number => t !== null);
  // An assertion that never expires would have to be remembered forever to stop its replay.
  if (ends.length === 0) throw new InvalidSamlResponse('invalid_response', 'the assertion has no NotOnOrAfter');
  const expiresAt = new Date(Math.max(...ends) + CLOCK_SKEW_MS).toISOString();

  return {
    nameId,
    email: emailOf(profile as Profile & Record<string, unknown>),
    assertionId,
    // The signed SubjectConfirmation's value wins: an unsigned Response's attribute proves nothing.
    inResponseTo: subjectInResponseTo ?? responseInResponseTo,
    expiresAt,
    attributes: textAttributes(profile as Profile & Record<string, unknown>),
    nameIdFormat: children(children(assertion, 'Subject')[0], 'NameID')[0]?.$?.Format ?? null,
    sessionIndex: children(assertion, 'AuthnStatement')[0]?.$?.SessionIndex ?? null,
  };
}
