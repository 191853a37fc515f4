import { Injectable } from '@nestjs/common';
import { LessThan } from 'typeorm';
import type { Tx } from '../database/database.service.js';
import { SamlAssertionEntity } from './saml-assertion.entity.js';

/**
 * Owns saml_assertions, the replay cache: the ids of accepted assertions, kept until the assertion
 * would have expired anyway. In the database so that every Roster process refuses a replay.
 */
@Injectable()
export class SamlAssertionsRepository {
  async seen(tx: Tx, key: string): Promise<boolean> {
    return (await tx.count(SamlAssertionEntity, { where: { id: key } })) > 0;
  }

  /** The primary key makes a concurrent second use fail with a unique violation. */
  async remember(tx: Tx, key: string, expiresAt: string): Promise<void> {
    await tx.insert(SamlAssertionEntity, { id: key, expiresAt });
  }

  async deleteExpired(tx: Tx, now: string): Promise<void> {
    await tx.delete(SamlAssertionEntity, { expiresAt: LessThan(now) });
  }
}
