/**
 * Encrypted assertions from the test IdP: the signed assertion of samlResponseXml, encrypted with
 * xml-encryption (the library IdPs built on Node use) to the SP's certificate, with RSA-OAEP key
 * transport and the content algorithm asked for; optionally the Response signed afterwards.
 */
import { createRequire } from 'node:module';
import { SignedXml } from 'xml-crypto';
import { samlResponseXml, TEST_IDP_KEYS } from './test-idp.js';
import type { ResponseOptions, ServiceProvider } from './test-idp.js';

interface XmlEncryption {
  encrypt(content: string, options: Record<string, unknown>, callback: (error: Error | null, result: string) => void): void;
}
const xmlenc = createRequire(import.meta.url)('xml-encryption') as XmlEncryption;

export const CONTENT_ALGORITHMS = {
  'aes128-cbc': 'http://www.w3.org/2001/04/xmlenc#aes128-cbc',
  'aes256-cbc': 'http://www.w3.org/2001/04/xmlenc#aes256-cbc',
  'aes128-gcm': 'http://www.w3.org/2009/xmlenc11#aes128-gcm',
  'aes256-gcm': 'http://www.w3.org/2009/xmlenc11#aes256-gcm',
  'tripledes-cbc': 'http://www.w3.org/2001/04/xmlenc#tripledes-cbc',
} as const;
export const RSA_OAEP = 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p';
export const RSA_1_5 = 'http://www.w3.org/2001/04/xmlenc#rsa-1_5';

export interface EncryptOptions {
  /** The SP's encryption certificate (PEM), from its metadata. */
  certificate: string;
  algorithm: keyof typeof CONTENT_ALGORITHMS;
  keyTransport?: string;
}

function encrypt(content: string, o: EncryptOptions): Promise<string> {
  return new Promise((resolve, reject) =>
    xmlenc.encrypt(
      content,
      { rsa_pub: o.certificate, pem: o.certificate, encryptionAlgorithm: CONTENT_ALGORITHMS[o.algorithm], keyEncryptionAlgorithm: o.keyTransport ?? RSA_OAEP, warnInsecureAlgorithm: false },
      (error, result) => (error ? reject(error) : resolve(result)),
    ),
  );
}

/** A Response whose (signed, unless `sign: 'none'`/'response') assertion is encrypted; `sign: 'response'|'both'` signs the Response after encryption. */
export async function encryptedSamlResponseXml(sp: ServiceProvider, o: ResponseOptions, enc: EncryptOptions): Promise<string> {
  const mode = o.sign ?? 'assertion';
  const inner = samlResponseXml(sp, { ...o, sign: mode === 'assertion' || mode === 'both' ? 'assertion' : 'none' });
  const start = inner.indexOf('<saml:Assertion');
  const end = inner.indexOf('</saml:Assertion>') + '</saml:Assertion>'.length;
  const encrypted = await encrypt(inner.slice(start, end), enc);
  let xml = `${inner.slice(0, start)}<saml:EncryptedAssertion>${encrypted}</saml:EncryptedAssertion>${inner.slice(end)}`;
  if (mode === 'response' || mode === 'both') {
    const { privateKey, certificate } = TEST_IDP_KEYS[o.key ?? 'trusted'];
    const signer = new SignedXml({
      privateKey,
      publicCert: certificate,
      signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
      canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
    });
    signer.addReference({
      xpath: "/*[local-name(.)='Response']",
      transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'],
      digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
    });
    signer.computeSignature(xml, { prefix: 'ds', location: { reference: "/*[local-name(.)='Response']/*[local-name(.)='Issuer']", action: 'after' } });
    xml = signer.getSignedXml();
  }
  return xml;
}

export async function encryptedSamlResponse(sp: ServiceProvider, o: ResponseOptions, enc: EncryptOptions): Promise<string> {
  return Buffer.from(await encryptedSamlResponseXml(sp, o, enc), 'utf8').toString('base64');
}
