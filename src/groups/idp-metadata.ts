import { X509Certificate } from 'node:crypto';
import { DomainError } from '../common/domain-error.js';
import { elementOpeningsOver } from '../saml/saml-response-limits.js';
import { parseXmlDocument } from '../saml/xml-security.js';

/**
 * The largest IdP metadata document Roster reads. Okta's app metadata is about 2 KB, Entra's
 * app federation metadata about 20 KB (two certificates, its own signature, the WS-Federation
 * role descriptors); 256 KiB leaves room for any real one and bounds the parse.
 */
export const MAX_METADATA_BYTES = 256 * 1024;
/** Entra's federation metadata has about 120 elements; a parse never walks more than this. */
export const MAX_METADATA_ELEMENTS = 5000;
/** Two certificates at once is what rotation needs (saml-provider settings hold two). */
export const MAX_SIGNING_CERTIFICATES = 2;

const MD_NS = 'urn:oasis:names:tc:SAML:2.0:metadata';
const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';
const SAML2_PROTOCOL = 'urn:oasis:names:tc:SAML:2.0:protocol';
const REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
const POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';

/** What an IdP's metadata tells a provider's settings. */
export interface IdpMetadata {
  /** The IdP's entityID: the Issuer its responses carry. */
  entityId: string;
  /** SingleSignOnService with the HTTP-Redirect binding: Roster sends its AuthnRequest that way. */
  ssoUrl: string;
  /** SingleLogoutService (HTTP-Redirect preferred, else HTTP-POST), when the IdP offers one. */
  sloUrl: string | null;
  /** PEMs of the distinct signing certificates, in document order (one or two). */
  certificates: string[];
}

/** Every problem is the `metadata` field's: that is the one field the person sent. */
function invalid(problem: string): DomainError {
  return new DomainError('validation', `metadata ${problem}`, { fields: { metadata: [problem] } });
}

function childElements(parent: Element, ns: string, localName: string): Element[] {
  return Array.from(parent.childNodes).filter((n): n is Element => n.nodeType === 1 && (n as Element).namespaceURI === ns && (n as Element).localName === localName);
}

/** The XML text, checked before any parse as SAMLResponses are: size, element count, no DTD. */
function hardenedXml(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw invalid('must be the identity provider’s SAML metadata XML');
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length > MAX_METADATA_BYTES) throw invalid(`is larger than ${MAX_METADATA_BYTES / 1024} KiB`);
  if (elementOpeningsOver(bytes, MAX_METADATA_ELEMENTS)) throw invalid(`has more than ${MAX_METADATA_ELEMENTS} elements`);
  const xml = value.replace(/^\uFEFF/, '').trim();
  if (!xml.startsWith('<')) throw invalid('is not XML');
  // Metadata never needs a DTD; refusing one rules out entity expansion and external entities.
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw invalid('must not contain a DTD');
  return xml;
}

/** The one EntityDescriptor with an IDPSSODescriptor: the root, or the only such entity of an EntitiesDescriptor. */
function idpEntity(root: Element): { entity: Element; idp: Element } {
  const entities =
    root.namespaceURI === MD_NS && root.localName === 'EntityDescriptor'
      ? [root]
      : root.namespaceURI === MD_NS && root.localName === 'EntitiesDescriptor'
        ? childElements(root, MD_NS, 'EntityDescriptor')
        : null;
  if (!entities) throw invalid(`is a ${root.localName ?? 'document'}, not SAML metadata (an EntityDescriptor)`);
  const withIdp = entities.map((entity) => ({ entity, idps: childElements(entity, MD_NS, 'IDPSSODescriptor') })).filter((e) => e.idps.length > 0);
  if (withIdp.length === 0) throw invalid('has no IDPSSODescriptor: it is not an identity provider’s metadata');
  if (withIdp.length > 1 || withIdp[0].idps.length > 1) throw invalid('describes more than one identity provider; paste the metadata of one');
  const { entity, idps } = withIdp[0];
  const protocols = (idps[0].getAttribute('protocolSupportEnumeration') ?? '').split(/\s+/);
  if (!protocols.includes(SAML2_PROTOCOL)) throw invalid('describes an identity provider without SAML 2.0 support');
  return { entity, idp: idps[0] };
}

function httpUrl(value: string | null, what: string): string {
  try {
    const url = new URL(value ?? '');
    if ((url.protocol === 'https:' || url.protocol === 'http:') && value!.length <= 2048) return value!;
  } catch {
    /* reported below */
  }
  throw invalid(`has a ${what} whose Location is not an http(s) URL`);
}

function serviceUrl(idp: Element, element: string, bindings: string[]): string | null {
  const services = childElements(idp, MD_NS, element);
  for (const binding of bindings) {
    const service = services.find((s) => s.getAttribute('Binding') === binding);
    if (service) return httpUrl(service.getAttribute('Location'), `${element} (${binding.split(':').pop()})`);
  }
  return null;
}

/** The X509Certificate values of the signing KeyDescriptors (use="signing" or no use), as PEMs. */
function signingCertificates(idp: Element): string[] {
  const pems: string[] = [];
  const fingerprints = new Set<string>();
  for (const key of childElements(idp, MD_NS, 'KeyDescriptor')) {
    const use = key.getAttribute('use');
    if (use && use !== 'signing') continue;
    const values = childElements(key, DSIG_NS, 'KeyInfo')
      .flatMap((info) => childElements(info, DSIG_NS, 'X509Data'))
      .flatMap((data) => childElements(data, DSIG_NS, 'X509Certificate'));
    for (const value of values) {
      const base64 = (value.textContent ?? '').replace(/\s+/g, '');
      let certificate: X509Certificate;
      try {
        if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) throw new Error('not base64');
        certificate = new X509Certificate(Buffer.from(base64, 'base64'));
      } catch {
        throw invalid(`has a signing certificate that is not a valid X.509 certificate (KeyDescriptor ${pems.length + 1})`);
      }
      // Entra lists the same certificate more than once (per role descriptor, and when rotating).
      if (fingerprints.has(certificate.fingerprint256)) continue;
      fingerprints.add(certificate.fingerprint256);
      pems.push(certificate.toString().trim());
    }
  }
  if (pems.length === 0) throw invalid('has no signing certificate (KeyDescriptor use="signing" with an X509Certificate)');
  if (pems.length > MAX_SIGNING_CERTIFICATES) throw invalid(`has ${pems.length} signing certificates; Roster accepts at most ${MAX_SIGNING_CERTIFICATES} at once`);
  return pems;
}

/**
 * Reads an IdP's SAML metadata (Okta's app metadata, Entra's federation metadata) into the
 * provider settings it determines. The document is pasted by an Owner, but still hostile input to
 * the parser: capped, no DTD, and every problem a validation error on `metadata`. The metadata's
 * own signature (Entra signs it) is not checked: whoever may paste it may as well paste the
 * certificate, and its signing key is the one being imported.
 */
export async function parseIdpMetadata(value: unknown): Promise<IdpMetadata> {
  const xml = hardenedXml(value);
  let root: Element | null;
  try {
    root = parseXmlDocument(xml).documentElement;
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0].slice(0, 200);
    throw invalid(`is not well-formed XML (${reason})`);
  }
  if (!root) throw invalid('is not XML');
  const { entity, idp } = idpEntity(root);
  const entityId = entity.getAttribute('entityID') ?? '';
  if (entityId === '' || entityId.length > 1024 || entityId.trim() !== entityId || /[\u0000-\u001f\u007f]/.test(entityId)) {
    throw invalid('has no usable entityID on its EntityDescriptor');
  }
  const ssoUrl = serviceUrl(idp, 'SingleSignOnService', [REDIRECT]);
  if (!ssoUrl) throw invalid('has no SingleSignOnService with the HTTP-Redirect binding (Roster sends its requests that way)');
  return { entityId, ssoUrl, sloUrl: serviceUrl(idp, 'SingleLogoutService', [REDIRECT, POST]), certificates: signingCertificates(idp) };
}
