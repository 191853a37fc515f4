import { groupSp, samlResponseXml, TEST_IDP_ISSUER, TEST_IDP_KEYS } from '../../test/support/test-idp.js';
import type { ResponseOptions } from '../../test/support/test-idp.js';
import { InvalidSamlResponse, validateSamlDocument } from './saml-response-validator.js';
import type { ValidAssertion } from './saml-response-validator.js';
import { defaultPoolSize, SamlValidationPool } from './saml-validation-pool.js';
import { groupServiceProvider } from './service-provider.js';

const BASE = 'http://roster.test';
const sp = groupServiceProvider(BASE, { id: 1, path: 'acme' });
const idp = groupSp(BASE, 'acme');
const CERT = TEST_IDP_KEYS.trusted.certificate;

/**
 * A document far past the element cap (the pool itself takes decoded XML; the caps are its
 * caller's): node-saml's `//*[@ID=…]` lookups over 30,000 siblings take several seconds, so a
 * deadline of 1 s always ends it, while a fresh worker's first ordinary response (a few ms, tens on
 * a busy machine) always fits.
 */
const SLOW_XML = samlResponseXml(idp, { nameId: 'slow', key: 'other', padElements: 30_000 });

/** A decoded response, as decodeSamlResponse gives it (the caps are its job, not the pool's). */
const bytes = (xml: string) => new Uint8Array(Buffer.from(xml, 'utf8'));

type Outcome = { assertion: Omit<ValidAssertion, 'expiresAt'> & { expiresAt: string } } | { reason: string; detail: string };

async function outcome(run: () => Promise<ValidAssertion>): Promise<Outcome> {
  try {
    return { assertion: await run() };
  } catch (error) {
    if (error instanceof InvalidSamlResponse) return { reason: error.reason, detail: error.detail };
    throw error;
  }
}

describe('SamlValidationPool', () => {
  const pools: SamlValidationPool[] = [];
  const pool = (options: Partial<SamlValidationPool['options']> = {}) => {
    const p = new SamlValidationPool({ size: 1, deadlineMs: 5_000, queueLimit: 8, ...options });
    pools.push(p);
    return p;
  };
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => p.close()));
  });

  it('sizes itself one worker fewer than the cores, at least one', () => {
    expect(defaultPoolSize()).toBeGreaterThanOrEqual(1);
    expect(() => new SamlValidationPool({ size: 0, deadlineMs: 100, queueLimit: 1 })).toThrow();
  });

  it('gives exactly the in-thread results: assertions and every kind of refusal', async () => {
    const p = pool({ size: 2, queueLimit: 16 });
    const cases: ResponseOptions[] = [
      { nameId: 'ext-1', email: 'pat@acme.com', assertionId: '_a1', inResponseTo: '_r1' },
      { nameId: ' spaced@acme.com\n', sign: 'response' },
      { nameId: 'a', sign: 'none' },
      { nameId: 'a', key: 'other' },
      { nameId: 'victim', wrap: { nameId: 'attacker' } },
      { nameId: 'a', audience: 'http://roster.test/groups/other' },
      { nameId: 'a', recipient: 'http://evil.test/acs' },
      { nameId: 'a', notBeforeOffset: -900, notOnOrAfterOffset: -200 },
      { nameId: 'a', statusCode: 'urn:oasis:names:tc:SAML:2.0:status:Responder' },
      { nameId: 'a', subjects: 2 },
      { nameId: 'a', nameIdFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient' },
    ];
    const xmls = [...cases.map((c) => samlResponseXml(idp, c)), '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">', '<!DOCTYPE x><x/>'];
    const pooled = await Promise.all(xmls.map((xml) => outcome(() => p.validate({ sp, idpCertificate: CERT, document: bytes(xml) }))));
    const inThread = await Promise.all(xmls.map((xml) => outcome(() => validateSamlDocument(sp, CERT, bytes(xml)))));
    expect(pooled).toEqual(inThread);
    expect(pooled[0]).toMatchObject({ assertion: { nameId: 'ext-1', email: 'pat@acme.com', assertionId: '_a1', inResponseTo: '_r1' } });
    expect(pooled[1]).toMatchObject({ assertion: { nameId: ' spaced@acme.com\n' } });
    expect(pooled.slice(2).map((o) => ('reason' in o ? o.reason : 'accepted'))).toEqual([
      'unsigned',
      'invalid_signature',
      'invalid_signature',
      'wrong_audience',
      'wrong_recipient',
      'expired',
      'idp_error',
      'invalid_response',
      'transient_name_id',
      'malformed',
      'malformed',
    ]);
  });

  it('passes the provider settings and both rotation certificates to the worker, with the in-thread results', async () => {
    const p = pool({ queueLimit: 16 });
    const settings = { idpEntityId: TEST_IDP_ISSUER, wantAssertionsSigned: true };
    const both = [CERT, TEST_IDP_KEYS.other.certificate];
    const cases: [ResponseOptions, string | string[]][] = [
      [{ nameId: 'a', assertionId: '_ok' }, CERT],
      [{ nameId: 'a', issuer: 'https://evil.test/' }, CERT],
      [{ nameId: 'a', sign: 'response' }, CERT],
      [{ nameId: 'a', key: 'other', assertionId: '_second' }, both],
      [{ nameId: 'a', key: 'other' }, CERT],
    ];
    // Built once: both runs check the same documents (each gets its own copy of the bytes; the pool transfers them).
    const xmls = cases.map(([o]) => samlResponseXml(idp, o));
    const run = (validate: (document: Uint8Array, certs: string | string[]) => Promise<ValidAssertion>) => Promise.all(cases.map(([, certs], i) => outcome(() => validate(bytes(xmls[i]), certs))));
    const pooled = await run((document, certs) => p.validate({ sp, idpCertificate: certs, settings, document }));
    const inThread = await run((document, certs) => validateSamlDocument(sp, certs, document, settings));
    expect(pooled).toEqual(inThread);
    expect(pooled.map((o) => ('reason' in o ? o.reason : o.assertion.assertionId))).toEqual(['_ok', 'wrong_issuer', 'assertion_unsigned', '_second', 'invalid_signature']);
  });

  it('ends a validation over its deadline, refuses it validation_timeout, and replaces the worker', async () => {
    const p = pool({ deadlineMs: 1_000 });
    // Warm: the worker is started and has validated once.
    await p.validate({ sp, idpCertificate: CERT, document: bytes(samlResponseXml(idp, { nameId: 'warm' })) });
    const [before] = p.threadIds;
    const started = Date.now();
    const slow = await outcome(() => p.validate({ sp, idpCertificate: CERT, document: bytes(SLOW_XML) }));
    const took = Date.now() - started;
    expect(slow).toEqual({ reason: 'validation_timeout', detail: 'validation took longer than 1000 ms; the worker was ended' });
    // Refused at the deadline, not when the (seconds-long) validation would have ended.
    expect(took).toBeGreaterThanOrEqual(1_000);
    expect(took).toBeLessThan(2_500);
    // A new worker took the ended one's place and validates the next response.
    const next = await p.validate({ sp, idpCertificate: CERT, document: bytes(samlResponseXml(idp, { nameId: 'after', assertionId: '_after' })) });
    expect(next).toMatchObject({ nameId: 'after', assertionId: '_after' });
    expect(p.threadIds).toHaveLength(1);
    expect(p.threadIds[0]).not.toBe(before);
  });

  it('lets at most queueLimit responses wait and refuses one more at once with validation_busy', async () => {
    const p = pool({ deadlineMs: 1_000, queueLimit: 2 });
    await p.validate({ sp, idpCertificate: CERT, document: bytes(samlResponseXml(idp, { nameId: 'warm' })) });
    const running = outcome(() => p.validate({ sp, idpCertificate: CERT, document: bytes(SLOW_XML) }));
    // The one worker now holds the slow job: two more wait, the next is refused without waiting.
    await new Promise((resolve) => setImmediate(resolve));
    const waiting = [1, 2].map((n) => outcome(() => p.validate({ sp, idpCertificate: CERT, document: bytes(samlResponseXml(idp, { nameId: `w${n}`, assertionId: `_w${n}` })) })));
    expect(p.queued).toBe(2);
    const extra = bytes(samlResponseXml(idp, { nameId: 'w3' }));
    const started = Date.now();
    const refused = await outcome(() => p.validate({ sp, idpCertificate: CERT, document: extra }));
    // At once: long before the running validation's 1 s deadline frees the worker.
    expect(Date.now() - started).toBeLessThan(500);
    expect(refused).toMatchObject({ reason: 'validation_busy' });
    expect(p.queued).toBe(2);
    // The slow one meets its deadline; the two that waited are then validated by the new worker.
    expect(await running).toMatchObject({ reason: 'validation_timeout' });
    expect(await Promise.all(waiting)).toEqual([{ assertion: expect.objectContaining({ nameId: 'w1' }) }, { assertion: expect.objectContaining({ nameId: 'w2' }) }]);
    expect(p.queued).toBe(0);
  });

  it('runs responses in parallel on several workers', async () => {
    const p = pool({ size: 2 });
    const results = await Promise.all([1, 2, 3, 4].map((n) => p.validate({ sp, idpCertificate: CERT, document: bytes(samlResponseXml(idp, { nameId: `p${n}` })) })));
    expect(results.map((r) => r.nameId)).toEqual(['p1', 'p2', 'p3', 'p4']);
    expect(new Set(p.threadIds).size).toBe(2);
  });

  it('fails what waits when closed, and refuses new work', async () => {
    const p = pool();
    const pending = p.validate({ sp, idpCertificate: CERT, document: bytes(SLOW_XML) });
    await p.close();
    await expect(pending).rejects.toThrow('closed');
    await expect(p.validate({ sp, idpCertificate: CERT, document: bytes(SLOW_XML) })).rejects.toThrow('closed');
  });
});
