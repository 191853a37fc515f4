import { createPublicKey, generateKeyPair, KeyObject, randomBytes, sign } from 'node:crypto';
import { promisify } from 'node:util';

/**
 * A self-signed X.509 v3 certificate for a provider's SP key pair. Node's crypto makes keys but no
 * certificates, so the TBSCertificate is DER-encoded here (RFC 5280 §4.1): the few types it needs
 * are below, and the subject public key info is the one Node exports. SAML peers use the
 * certificate only as a key container (no chain, no extensions needed), as every IdP's is.
 */
const generateKeyPairAsync = promisify(generateKeyPair);

/** sha256WithRSAEncryption (1.2.840.113549.1.1.11) and id-at-commonName (2.5.4.3). */
const SHA256_WITH_RSA = [1, 2, 840, 113549, 1, 1, 11];
const COMMON_NAME = [2, 5, 4, 3];

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function der(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), length(content.length), content]);
}

export const sequence = (...items: Buffer[]) => der(0x30, Buffer.concat(items));

/** A positive INTEGER from big-endian bytes (a leading 0x00 when the high bit is set). */
export function integer(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0 && bytes[start + 1] < 0x80) start++;
  const trimmed = bytes.subarray(start);
  return der(0x02, trimmed[0] >= 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

export function oid(arcs: number[]): Buffer {
  const body: number[] = [40 * arcs[0] + arcs[1]];
  for (const arc of arcs.slice(2)) {
    const chunk: number[] = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    body.push(...chunk);
  }
  return der(0x06, Buffer.from(body));
}

/** UTCTime for years 1950–2049, GeneralizedTime after (RFC 5280 §4.1.2.5). */
export function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
  return date.getUTCFullYear() < 2050 ? der(0x17, Buffer.from(iso.slice(2), 'ascii')) : der(0x18, Buffer.from(iso, 'ascii'));
}

function name(commonName: string): Buffer {
  return sequence(der(0x31, sequence(oid(COMMON_NAME), der(0x0c, Buffer.from(commonName, 'utf8')))));
}

export interface CertificateRequest {
  privateKey: KeyObject;
  commonName: string;
  notBefore: Date;
  notAfter: Date;
}

/** The PEM of a self-signed certificate for the key pair of `privateKey`. */
export function selfSignedCertificate({ privateKey, commonName, notBefore, notAfter }: CertificateRequest): string {
  const algorithm = sequence(oid(SHA256_WITH_RSA), der(0x05, Buffer.alloc(0)));
  const serial = randomBytes(16);
  serial[0] &= 0x7f;
  const tbs = sequence(
    der(0xa0, integer(Buffer.from([2]))), // [0] version v3
    integer(serial),
    algorithm,
    name(commonName),
    sequence(time(notBefore), time(notAfter)),
    name(commonName),
    createPublicKey(privateKey).export({ type: 'spki', format: 'der' }),
  );
  const signature = sign('sha256', tbs, privateKey);
  const certificate = sequence(tbs, algorithm, der(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const lines = certificate.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----`;
}

/** RSA sizes an SP key may have (issue 14: 2048 or 3072). */
export type RsaBits = 2048 | 3072;

/** A new RSA key pair (PKCS#8 PEM) and its self-signed certificate, valid for `years`. */
export async function generateSpKeyPair(commonName: string, bits: RsaBits = 2048, years = 10, now = new Date()): Promise<{ privateKeyPem: string; certificatePem: string }> {
  const { privateKey } = await generateKeyPairAsync('rsa', { modulusLength: bits });
  const notBefore = new Date(now.getTime() - 5 * 60 * 1000);
  const notAfter = new Date(now);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + years);
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    certificatePem: selfSignedCertificate({ privateKey, commonName, notBefore, notAfter }),
  };
}
