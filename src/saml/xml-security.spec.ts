import { SignedXml } from 'xml-crypto';
import { encrypt } from 'xml-encryption';
import type { EncryptOptions } from 'xml-encryption';
import { TEST_IDP_KEYS } from '../../test/support/test-idp.js';
import { decryptXml, parseXmlDocument, verifiedSignedXml } from './xml-security.js';

const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';

const TRUSTED = TEST_IDP_KEYS.trusted.certificate;
const OTHER = TEST_IDP_KEYS.other.certificate;

const ITEM = "/*[local-name(.)='Root']/*[local-name(.)='Item']";
const ROOT = "/*[local-name(.)='Root']";
const UNSIGNED_DOCUMENT = '<Root xmlns="urn:roster:test" ID="_root"><Other>unsigned</Other><Item ID="_i1"><Value>genuine</Value></Item></Root>';

/** The document with an enveloped signature by `key` over the element at `target`, placed in the element at `at`. */
function signed(xml: string, o: { target?: string; at?: string; key?: keyof typeof TEST_IDP_KEYS; extraReference?: string } = {}): string {
  const { privateKey, certificate } = TEST_IDP_KEYS[o.key ?? 'trusted'];
  const signer = new SignedXml({ privateKey, publicCert: certificate, signatureAlgorithm: RSA_SHA256, canonicalizationAlgorithm: EXC_C14N });
  // Two references of two transforms each would be refused for their four transforms first.
  const transforms = o.extraReference ? [ENVELOPED] : [ENVELOPED, EXC_C14N];
  signer.addReference({ xpath: o.target ?? ITEM, transforms, digestAlgorithm: SHA256 });
  if (o.extraReference) signer.addReference({ xpath: o.extraReference, transforms, digestAlgorithm: SHA256 });
  signer.computeSignature(xml, { prefix: 'ds', location: { reference: o.at ?? o.target ?? ITEM, action: 'append' } });
  return signer.getSignedXml();
}

/** verifiedSignedXml on the element at `path` of the document `xml`. */
function verify(xml: string, certificates: string[] = [TRUSTED], path: (root: Element) => Element = (root) => root.getElementsByTagName('Item')[0]): string | null {
  return verifiedSignedXml(xml, path(parseXmlDocument(xml).documentElement), certificates);
}

const signatureOf = (xml: string) => /<ds:Signature[\s\S]*<\/ds:Signature>/.exec(xml)![0];

describe('parseXmlDocument', () => {
  it('parses well-formed XML, namespaces included', () => {
    const root = parseXmlDocument('<p:Response xmlns:p="urn:x" ID="_1"><p:Status/></p:Response>').documentElement;
    expect(root.localName).toBe('Response');
    expect(root.namespaceURI).toBe('urn:x');
    expect(root.getAttribute('ID')).toBe('_1');
  });

  it('refuses text with a parser error or fatal error instead of keeping what xmldom recovers', () => {
    expect(() => parseXmlDocument('<a b="1" b="2"/>')).toThrow(/xmldom fatalError.*redefined/);
    expect(() => parseXmlDocument('<a>&undeclared;</a>')).toThrow(/xmldom error.*entity not found/);
    expect(() => parseXmlDocument('<a/><b/>')).toThrow(/xmldom error/);
  });

  it('refuses empty text and text without a root element', () => {
    expect(() => parseXmlDocument('')).toThrow(/xmldom error.*invalid doc source/);
    expect(() => parseXmlDocument('   ')).toThrow('Not a valid XML document');
    expect(() => parseXmlDocument('not xml')).toThrow('Not a valid XML document');
    expect(() => parseXmlDocument('<!-- only a comment -->')).toThrow('Not a valid XML document');
  });
});

describe('verifiedSignedXml', () => {
  it('returns only the signed element, without its signature or anything around it', () => {
    const result = verify(signed(UNSIGNED_DOCUMENT));
    expect(result).not.toBeNull();
    const item = parseXmlDocument(result!).documentElement;
    expect(item.localName).toBe('Item');
    expect(item.getAttribute('ID')).toBe('_i1');
    expect(item.textContent).toBe('genuine');
    expect(item.getElementsByTagNameNS(DSIG_NS, 'Signature')).toHaveLength(0);
    expect(result).not.toContain('unsigned');
  });

  it('verifies a document whose line ends arrive as CRLF', () => {
    const xml = signed('<Root xmlns="urn:roster:test"><Item ID="_i1"><Value>two\nlines</Value></Item></Root>');
    expect(verify(xml.replace(/\n/g, '\r\n'))).toContain('two\nlines');
  });

  it('tries each certificate: the one that verifies may be the second (certificate rotation)', () => {
    expect(verify(signed(UNSIGNED_DOCUMENT), [OTHER, TRUSTED])).toContain('genuine');
  });

  it('returns null for an element without a signature', () => {
    expect(verify(UNSIGNED_DOCUMENT)).toBeNull();
    // The signature of a child is not the element's own.
    expect(verify(signed(UNSIGNED_DOCUMENT), [TRUSTED], (root) => root)).toBeNull();
  });

  it('returns null when no certificate verifies the signature', () => {
    expect(verify(signed(UNSIGNED_DOCUMENT), [OTHER])).toBeNull();
    expect(verify(signed(UNSIGNED_DOCUMENT, { key: 'other' }), [TRUSTED])).toBeNull();
    expect(verify(signed(UNSIGNED_DOCUMENT), [])).toBeNull();
  });

  it('returns null for signed content changed afterwards', () => {
    expect(verify(signed(UNSIGNED_DOCUMENT).replace('genuine', 'forged'))).toBeNull();
    expect(verify(signed(UNSIGNED_DOCUMENT).replace('ID="_i1"', 'ID="_i1" Admin="true"'))).toBeNull();
  });

  it('refuses a wrapped copy: the signature moved onto a forged element with the signed one hidden elsewhere', () => {
    const xml = signed(UNSIGNED_DOCUMENT);
    const signature = signatureOf(xml);
    const original = xml.slice(xml.indexOf('<Item'), xml.indexOf('</Item>') + '</Item>'.length).replace(signature, '');
    const forged = `<Item ID="_i1"><Value>forged</Value>${signature}</Item>`;
    const wrapped = xml.replace(/<Item[\s\S]*<\/Item>/, `${forged}<Other>${original}</Other>`);
    expect(() => verify(wrapped)).toThrow('ID cannot refer to more than one element');
    // The signed original left where it was, a forged copy without a signature read instead.
    const beside = xml.replace('<Other>unsigned</Other>', '<Item ID="_i1"><Value>forged</Value></Item>');
    expect(verify(beside)).toBeNull();
  });

  it('refuses two signatures on one element', () => {
    const xml = signed(UNSIGNED_DOCUMENT);
    const signature = signatureOf(xml);
    expect(() => verify(xml.replace(signature, signature + signature))).toThrow('Too many signatures');
  });

  it('refuses a signature whose reference is not the element it sits in', () => {
    // Sits in Root, signs Item.
    const xml = signed(UNSIGNED_DOCUMENT, { target: ITEM, at: ROOT });
    expect(() => verify(xml, [TRUSTED], (root) => root)).toThrow("does not refer to it's parent");
  });

  it('refuses a reference id with a quote in it', () => {
    const xml = signed(UNSIGNED_DOCUMENT).replace('URI="#_i1"', 'URI="#_i1&quot;]|//*[@ID=&quot;_root"');
    expect(() => verify(xml)).toThrow(/quote/);
  });

  it('refuses a signature of more than one reference and one with more than two transforms', () => {
    const twoReferences = signed(UNSIGNED_DOCUMENT.replace('<Other>', '<Other ID="_o1">'), { extraReference: "//*[local-name(.)='Other']" });
    expect(verify(twoReferences)).toBeNull();
    const xml = signed(UNSIGNED_DOCUMENT);
    const thirdTransform = xml.replace('</ds:Transforms>', `<ds:Transform Algorithm="${EXC_C14N}"/></ds:Transforms>`);
    expect(() => verify(thirdTransform)).toThrow('too many transforms');
  });
});

describe('decryptXml', () => {
  const ASSERTION = '<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_a1"><saml:Subject>secret</saml:Subject></saml:Assertion>';

  function encrypted(o: Partial<EncryptOptions> = {}): Promise<string> {
    const options: EncryptOptions = {
      rsa_pub: TRUSTED,
      pem: TRUSTED,
      encryptionAlgorithm: 'http://www.w3.org/2009/xmlenc11#aes256-gcm',
      keyEncryptionAlgorithm: 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p',
      warnInsecureAlgorithm: false,
      ...o,
    };
    return new Promise((resolve, reject) => encrypt(ASSERTION, options, (error, result) => (error ? reject(error) : resolve(result))));
  }

  it('decrypts AES-256-GCM content under an RSA-OAEP key with the matching private key', async () => {
    const xml = await encrypted();
    expect(xml).not.toContain('secret');
    await expect(decryptXml(`<saml:EncryptedAssertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">${xml}</saml:EncryptedAssertion>`, TEST_IDP_KEYS.trusted.privateKey)).resolves.toBe(
      ASSERTION,
    );
  });

  it('rejects with a private key the content was not encrypted to', async () => {
    await expect(decryptXml(await encrypted(), TEST_IDP_KEYS.other.privateKey)).rejects.toThrow();
  });

  it('rejects RSA 1.5 key transport and 3DES content', async () => {
    await expect(decryptXml(await encrypted({ keyEncryptionAlgorithm: 'http://www.w3.org/2001/04/xmlenc#rsa-1_5' }), TEST_IDP_KEYS.trusted.privateKey)).rejects.toThrow(/not secure/);
    await expect(decryptXml(await encrypted({ encryptionAlgorithm: 'http://www.w3.org/2001/04/xmlenc#tripledes-cbc' }), TEST_IDP_KEYS.trusted.privateKey)).rejects.toThrow(/not secure/);
  });
});
