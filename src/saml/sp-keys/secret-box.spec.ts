import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSecretKey, SecretBox } from './secret-box.js';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('opens what it sealed, with the same associated data only', () => {
    const sealed = box.seal('-----BEGIN PRIVATE KEY-----', 'saml_sp_key:group:1');
    expect(sealed).toMatch(/^v1:/);
    expect(sealed).not.toContain('PRIVATE KEY');
    expect(box.open(sealed, 'saml_sp_key:group:1')).toBe('-----BEGIN PRIVATE KEY-----');
    expect(() => box.open(sealed, 'saml_sp_key:group:2')).toThrow();
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'saml_sp_key:group:1')).toThrow();
    const raw = Buffer.from(sealed.slice(3), 'base64');
    raw[raw.length - 1] ^= 1;
    expect(() => box.open(`v1:${raw.toString('base64')}`, 'saml_sp_key:group:1')).toThrow();
  });

  it('uses a fresh IV each time', () => {
    expect(box.seal('same', 'ad')).not.toBe(box.seal('same', 'ad'));
  });
});

describe('loadSecretKey', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'roster-key-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the key file once with mode 0600 and reads the same key afterwards', () => {
    const path = join(dir, 'nested', 'secret.key');
    const first = loadSecretKey({ kind: 'file', path });
    expect(first).toHaveLength(32);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8').trim()).toBe(first.toString('hex'));
    expect(loadSecretKey({ kind: 'file', path })).toEqual(first);
  });

  it('refuses a key file others can read', () => {
    const path = join(dir, 'secret.key');
    loadSecretKey({ kind: 'file', path });
    chmodSync(path, 0o644);
    expect(() => loadSecretKey({ kind: 'file', path })).toThrow(/chmod 600/);
  });

  it('takes the environment’s key as it is', () => {
    const key = randomBytes(32);
    expect(loadSecretKey({ kind: 'env', key })).toBe(key);
  });
});
