import { promisify } from 'node:util';
import { DOMParser } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { decrypt } from 'xml-encryption';
import { select } from 'xpath';

/**
 * The XML parsing, decryption and signature verification Roster's SAML reading is built on, on the
 * public APIs of @xmldom/xmldom, xml-encryption, xml-crypto and xpath. It keeps the behaviour of
 * node-saml's own helpers (lib/xml.js, which is not part of node-saml's public API), so what Roster
 * checks before and after node-saml is checked the same way node-saml checks it.
 */

const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';

function selectElements(expression: string, node: Node): Element[] {
  const result = select(expression, node);
  // An expression that selects anything but elements is a mistake here, never a smaller answer.
  if (!Array.isArray(result) || !result.every((n) => n.nodeType === 1)) throw new Error('Invalid xpath return type');
  return result as Element[];
}

/**
 * A DOM Document of `xml`. Any parser error or fatal error refuses the whole text (xmldom would
 * otherwise recover and hand back a document built from part of it), as does text with no root
 * element. Warnings are not refused, as node-saml does not refuse them. Messages are xmldom's own.
 */
export function parseXmlDocument(xml: string): Document {
  const problems: string[] = [];
  const report = (message: string) => void problems.push(message);
  const document = new DOMParser({
    // The locator puts the line and column into the messages.
    locator: {},
    errorHandler: { error: report, fatalError: report },
  }).parseFromString(xml, 'text/xml') as Document | undefined;
  if (problems.length > 0) throw new Error(problems[0]);
  // xmldom sets documentElement only once it has added a root element.
  if (!document || !Object.prototype.hasOwnProperty.call(document, 'documentElement')) throw new Error('Not a valid XML document');
  return document;
}

const decryptWithKey = promisify(decrypt);

/**
 * The plaintext of an EncryptedData (or of an EncryptedAssertion / EncryptedID holding one), with
 * the SP's private key (PEM). Rejects when the key does not open it. RSA 1.5 key transport and 3DES
 * content encryption are refused here too, whatever the caller has already checked.
 */
export function decryptXml(xml: string, privateKey: string): Promise<string> {
  return decryptWithKey(xml, { key: privateKey, disallowDecryptionWithInsecureAlgorithm: true, warnInsecureAlgorithm: false });
}

/**
 * The bytes an enveloped signature on `node` verifiably signs, or null when `node` carries no
 * signature or none of `certificates` verifies it. Throws on a signature whose shape is not a SAML
 * enveloped signature. Only the returned XML may be trusted: the rest of `fullXml`, `node`
 * included, is what an attacker may have wrapped around a genuinely signed element, so callers
 * parse and read the returned string, never the node.
 *
 * `fullXml` is the text `node`'s document was parsed from.
 */
export function verifiedSignedXml(fullXml: string, node: Element, certificates: string[]): string | null {
  // XML processors normalise line ends before anything else (XML 1.0 §2.11); xml-crypto leaves that
  // to its caller, and a digest over CRLF text would not match the IdP's.
  const normalizedXml = fullXml.replace(/\r\n?/g, '\n');

  // The signature must be a direct child of the element it signs (enveloped); one found deeper may
  // sign some other element, and two leave open which one was meant.
  const signatures = selectElements(`./*[local-name(.)='Signature' and namespace-uri(.)='${DSIG_NS}']`, node);
  if (signatures.length === 0) return null;
  if (signatures.length > 1) throw new Error('Too many signatures found for this element');
  const signature = signatures[0];

  // SAML's profile is enveloped-signature plus one canonicalization; more transforms than that
  // (an XPath or XSLT transform) could make the digest cover something other than the element.
  const transforms = selectElements(`.//*[local-name(.)='Transform' and namespace-uri(.)='${DSIG_NS}']`, signature);
  if (transforms.length > 2) throw new Error('Invalid signature, too many transforms');

  for (const certificate of certificates) {
    const verifier = new SignedXml();
    verifier.publicCert = certificate;
    verifier.loadSignature(signature);

    // One reference only: with several, a signature may cover some harmless element besides (or
    // instead of) the one Roster reads.
    const references = verifier.getReferences();
    if (references.length !== 1) return null;
    if (!signature.parentNode) return null;

    const uri = references[0].uri ?? '';
    const referenceId = uri.startsWith('#') ? uri.slice(1) : uri;
    // An empty URI signs the whole document, not this element.
    if (referenceId === '') throw new TypeError('signature reference uri not found');
    // The id goes into an XPath expression below: a quote would let it rewrite the expression.
    if (referenceId.includes("'") || referenceId.includes('"')) {
      throw new Error('ref URI included quote character \' or ". Not a valid ID, and not allowed');
    }
    // Signature wrapping: a second element with the same ID (the genuinely signed original hidden
    // elsewhere, a forged one where Roster reads) would let the digest check pass on one element
    // while the caller reads the other. The id must name exactly one element, the signature's parent.
    const referenced = selectElements(`//*[@ID="${referenceId}"]`, signature.ownerDocument);
    if (referenced.length !== 1) throw new Error('Invalid signature: ID cannot refer to more than one element');
    if (referenced[0] !== signature.parentNode) throw new Error("Invalid signature: Referenced node does not refer to it's parent element");

    // The cryptographic check. Afterwards the signed bytes are in getSignedReferences(); nothing
    // else of the document (the referenced node included) is trusted.
    try {
      if (!verifier.checkSignature(normalizedXml)) continue;
      // The reference count was checked above; this guards against xml-crypto carrying over
      // references verified earlier.
      if (verifier.getSignedReferences().length !== 1) throw new Error('Only 1 signed references should be present in signature');
      return verifier.getSignedReferences()[0];
    } catch {
      // This certificate does not verify it (during a rotation the IdP may still sign with the
      // other one): try the next.
    }
  }
  return null;
}
