import { Injectable } from '@nestjs/common';
import { Scope } from '../common/scope.js';
import { Tx } from '../database/database.service.js';
import { SamlSignInEntity } from './saml-sign-in.entity.js';
import { LatestSignIn, SamlSignInsRepository, SignInObservation } from './saml-sign-ins.repository.js';

/** Sign-in observations: what NameID the IdP really sent, as the members view and report show it. */
@Injectable()
export class SamlSignInsService {
  constructor(private readonly signIns: SamlSignInsRepository) {}

  /** Stores the observation in the caller's transaction; returns its id. */
  record(tx: Tx, scope: Scope, observation: SignInObservation): Promise<number> {
    return this.signIns.insert(tx, scope, observation);
  }

  findById(id: number): Promise<SamlSignInEntity | null> {
    return this.signIns.findById(id);
  }

  latestForUsers(scope: Scope, userIds: number[]): Promise<Map<number, LatestSignIn>> {
    return this.signIns.latestForUsers(scope, userIds);
  }

  findByNameIdOrEmail(scope: Scope, value: string, limit: number): Promise<SamlSignInEntity[]> {
    return this.signIns.findByNameIdOrEmail(scope, value, limit);
  }

  recentForUser(scope: Scope, userId: number, limit: number): Promise<SamlSignInEntity[]> {
    return this.signIns.recentForUser(scope, userId, limit);
  }
}
