import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../project-root.js';
import { DomainError } from '../common/domain-error.js';
import { MAX_METADATA_BYTES, parseIdpMetadata } from './idp-metadata.js';

const fixture = (name: string) => readFileSync(join(projectRoot(), 'test/fixtures/saml', name), 'utf8');
const pem = (name: string) => new X509Certificate(fixture(name)).toString().trim();
const OKTA = fixture('okta-metadata.xml');
const ENTRA = fixture('entra-federation-metadata.xml');

async function problem(value: unknown): Promise<string> {
  try {
    await parseIdpMetadata(value);
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    const fields = (error as DomainError).options.fields!;
    expect(Object.keys(fields)).toEqual(['metadata']);
    return fields.metadata.join('; ');
  }
  throw new Error('no error');
}

describe('parseIdpMetadata', () => {
  it('reads Okta’s app metadata: entity id, the HTTP-Redirect SSO and SLO URLs, the signing certificate', async () => {
    expect(await parseIdpMetadata(OKTA)).toEqual({
      entityId: 'http://www.okta.com/exk9roster0test0Id0P7',
      ssoUrl: 'https://dev-4242424.okta.com/app/dev-4242424_roster_1/exk9roster0test0Id0P7/sso/saml',
      sloUrl: 'https://dev-4242424.okta.com/app/dev-4242424_roster_1/exk9roster0test0Id0P7/slo/saml',
      certificates: [pem('idp-cert.pem')],
    });
  });

  it('reads Entra’s federation metadata: only the IDPSSODescriptor counts, both rollover certificates once each', async () => {
    const tenant = '5f1c2a3e-7b4d-4c8e-9a10-2b3c4d5e6f70';
    expect(await parseIdpMetadata(ENTRA)).toEqual({
      entityId: `https://sts.windows.net/${tenant}/`,
      ssoUrl: `https://login.microsoftonline.com/${tenant}/saml2`,
      sloUrl: `https://login.microsoftonline.com/${tenant}/saml2`,
      certificates: [pem('idp-cert.pem'), pem('other-cert.pem')],
    });
  });

  it('takes no SLO URL when the IdP offers none, and the POST one when it offers only that', async () => {
    const noSlo = OKTA.replace(/<md:SingleLogoutService[^>]*\/>/g, '');
    expect((await parseIdpMetadata(noSlo)).sloUrl).toBeNull();
    const postOnly = OKTA.replace(/<md:SingleLogoutService Binding="[^"]*HTTP-Redirect"[^>]*\/>/, '').replace('/slo/saml"', '/slo/post"');
    expect((await parseIdpMetadata(postOnly)).sloUrl).toMatch(/\/slo\/post$/);
  });

  it('accepts an EntitiesDescriptor that holds exactly one identity provider', async () => {
    const wrapped = `<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">${OKTA.replace(/^<\?xml[^>]*\?>/, '')}</md:EntitiesDescriptor>`;
    expect((await parseIdpMetadata(wrapped)).entityId).toBe('http://www.okta.com/exk9roster0test0Id0P7');
  });

  it('refuses what is not usable metadata, each with its reason on the metadata field', async () => {
    expect(await problem(undefined)).toMatch(/must be the identity provider’s SAML metadata XML/);
    expect(await problem('   ')).toMatch(/must be the identity provider’s SAML metadata XML/);
    expect(await problem('not xml at all')).toMatch(/is not XML/);
    expect(await problem(OKTA.slice(0, 1000))).toMatch(/is not well-formed XML/);
    expect(await problem('<html><body>Sign in</body></html>')).toMatch(/is a html, not SAML metadata/);
    expect(await problem(OKTA.replace(/IDPSSODescriptor/g, 'SPSSODescriptor'))).toMatch(/has no IDPSSODescriptor/);
    expect(await problem(OKTA.replace(/<md:KeyDescriptor.*<\/md:KeyDescriptor>/, ''))).toMatch(/has no signing certificate/);
    expect(await problem(OKTA.replace('use="signing"', 'use="encryption"'))).toMatch(/has no signing certificate/);
    expect(await problem(OKTA.replace(/<ds:X509Certificate>MII/, '<ds:X509Certificate>MIIbroken'))).toMatch(/not a valid X.509 certificate/);
    expect(await problem(OKTA.replace(/<md:SingleSignOnService Binding="[^"]*HTTP-Redirect"[^>]*\/>/, ''))).toMatch(/no SingleSignOnService with the HTTP-Redirect binding/);
    expect(
      await problem(
        OKTA.replace(
          /Location="https:\/\/dev-4242424.okta.com\/app\/dev-4242424_roster_1\/exk9roster0test0Id0P7\/sso\/saml"\/><\/md:IDPSSODescriptor>/,
          'Location="javascript:alert(1)"/></md:IDPSSODescriptor>',
        ),
      ),
    ).toMatch(/Location is not an http\(s\) URL/);
    expect(await problem(OKTA.replace('entityID="http://www.okta.com/exk9roster0test0Id0P7"', 'entityID=" padded "'))).toMatch(/no usable entityID/);
    expect(await problem(OKTA.replace('urn:oasis:names:tc:SAML:2.0:protocol', 'urn:oasis:names:tc:SAML:1.1:protocol'))).toMatch(/without SAML 2.0 support/);
  });

  it('refuses more than two signing certificates, and two identity providers at once', async () => {
    const b64 = fixture('third-cert.pem')
      .replace(/-----[^-]+-----/g, '')
      .replace(/\s+/g, '');
    const third = `<KeyDescriptor use="signing"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>${b64}</X509Certificate></X509Data></KeyInfo></KeyDescriptor>`;
    const threeCerts = ENTRA.replace('<IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">', `$&${third}`);
    expect(await problem(threeCerts)).toMatch(/has 3 signing certificates; Roster accepts at most 2/);
    const body = OKTA.replace(/^<\?xml[^>]*\?>/, '');
    const two = `<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">${body}${body.replace('exk9roster0test0Id0P7"', 'exk9second"')}</md:EntitiesDescriptor>`;
    expect(await problem(two)).toMatch(/more than one identity provider/);
  });

  it('refuses DTDs and entity declarations before parsing, and oversized or element-flooded documents', async () => {
    expect(await problem(`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${OKTA.replace(/^<\?xml[^>]*\?>/, '')}`)).toMatch(/must not contain a DTD/);
    expect(await problem(OKTA + ' '.repeat(MAX_METADATA_BYTES))).toMatch(/is larger than 256 KiB/);
    expect(await problem(OKTA.replace('</md:IDPSSODescriptor>', '<x/>'.repeat(6000) + '</md:IDPSSODescriptor>'))).toMatch(/has more than 5000 elements/);
  });
});
