import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { closeSync, linkSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SecretKeySource } from '../../config/app-config.js';

const VERSION = 'v1';

/**
 * Encrypts secrets stored in the database (SP private keys) with AES-256-GCM. The associated data
 * binds a ciphertext to its row's purpose (e.g. the provider's scope), so a value copied to another
 * row does not decrypt there.
 */
export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('SecretBox needs a 32-byte key');
  }

  seal(plaintext: string, associatedData: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
  }

  open(sealed: string, associatedData: string): string {
    if (!sealed.startsWith(`${VERSION}:`)) throw new Error('not a sealed secret');
    const raw = Buffer.from(sealed.slice(VERSION.length + 1), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }
}

/**
 * The key from the environment, or from the key file: created with 32 random bytes and mode 0600
 * the first time (written beside it, then hard-linked into place, so two processes starting at
 * once agree on one key), refused if others can read it.
 */
export function loadSecretKey(source: SecretKeySource): Buffer {
  if (source.kind === 'env') return source.key;
  try {
    return readKeyFile(source.path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dirname(source.path), { recursive: true, mode: 0o700 });
  const temporary = `${source.path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  const fd = openSync(temporary, 'wx', 0o600);
  try {
    writeSync(fd, `${randomBytes(32).toString('hex')}\n`);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temporary, source.path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(temporary);
  }
  return readKeyFile(source.path);
}

function readKeyFile(path: string): Buffer {
  const mode = statSync(path).mode & 0o777;
  if (mode & 0o077) throw new Error(`${path} must be readable by its owner only (chmod 600), it is ${mode.toString(8)}`);
  const text = readFileSync(path, 'utf8').trim();
  if (!/^[0-9a-fA-F]{64}$/.test(text)) throw new Error(`${path} must hold 32 bytes as 64 hex digits`);
  return Buffer.from(text, 'hex');
}
