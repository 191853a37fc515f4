import { createPrivateKey, createPublicKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { der, generateSpKeyPair, integer, oid, selfSignedCertificate, time } from './self-signed-certificate.js';

describe('DER encoding', () => {
  it('encodes lengths in short and long form', () => {
    expect(der(0x04, Buffer.alloc(3)).subarray(0, 2)).toEqual(Buffer.from([0x04, 3]));
    expect(der(0x04, Buffer.alloc(200)).subarray(0, 3)).toEqual(Buffer.from([0x04, 0x81, 200]));
    expect(der(0x04, Buffer.alloc(300)).subarray(0, 4)).toEqual(Buffer.from([0x04, 0x82, 0x01, 0x2c]));
  });

  it('keeps INTEGERs positive and minimal', () => {
    expect(integer(Buffer.from([0x80]))).toEqual(Buffer.from([0x02, 2, 0x00, 0x80]));
    expect(integer(Buffer.from([0x00, 0x00, 0x05]))).toEqual(Buffer.from([0x02, 1, 0x05]));
    expect(integer(Buffer.from([0x00]))).toEqual(Buffer.from([0x02, 1, 0x00]));
  });

  it('encodes object identifiers with base-128 arcs', () => {
    expect(oid([1, 2, 840, 113549, 1, 1, 11]).toString('hex')).toBe('06092a864886f70d01010b');
    expect(oid([2, 5, 4, 3]).toString('hex')).toBe('0603550403');
  });

  it('uses UTCTime before 2050 and GeneralizedTime from 2050', () => {
    expect(time(new Date('2026-12-06T01:02:03Z')).toString('latin1')).toBe('\x17\x0d261206010203Z');
    expect(time(new Date('2050-01-01T00:00:00Z')).toString('latin1')).toBe('\x18\x0f20500101000000Z');
  });
});

describe('selfSignedCertificate', () => {
  it('makes a certificate that OpenSSL (via Node) parses, with the subject, validity and public key asked for, signed by its own key', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = selfSignedCertificate({ privateKey, commonName: 'Roster SP acme', notBefore: new Date('2026-01-01T00:00:00Z'), notAfter: new Date('2056-01-01T00:00:00Z') });
    const cert = new X509Certificate(pem);
    expect(cert.subject).toBe('CN=Roster SP acme');
    expect(cert.issuer).toBe('CN=Roster SP acme');
    expect(new Date(cert.validFrom).toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(new Date(cert.validTo).toISOString()).toBe('2056-01-01T00:00:00.000Z');
    expect(cert.publicKey.export({ type: 'spki', format: 'der' })).toEqual(publicKey.export({ type: 'spki', format: 'der' }));
    expect(cert.verify(publicKey)).toBe(true);
    expect(cert.checkPrivateKey(privateKey)).toBe(true);
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    expect(cert.verify(other.publicKey)).toBe(false);
  });

  it('generates 2048- and 3072-bit key pairs whose certificate matches the private key', async () => {
    for (const bits of [2048, 3072] as const) {
      const { privateKeyPem, certificatePem } = await generateSpKeyPair('Roster SP test', bits);
      const key = createPrivateKey(privateKeyPem);
      expect(key.asymmetricKeyDetails?.modulusLength).toBe(bits);
      const cert = new X509Certificate(certificatePem);
      expect(cert.checkPrivateKey(key)).toBe(true);
      expect(cert.verify(createPublicKey(key))).toBe(true);
    }
  });
});
