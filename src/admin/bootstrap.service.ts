import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG } from '../config/app-config.js';
import type { AppConfig } from '../config/app-config.js';
import { systemActor } from '../common/actor.js';
import { Database, Tx } from '../database/database.service.js';
import { TokensService } from '../tokens/tokens.service.js';
import { UsersService } from '../users/users.service.js';

/**
 * First start: when no instance admin exists, create `root`. Its token is ADMIN_TOKEN when set,
 * otherwise a fresh one printed once (to stdout, never to the structured log).
 */
@Injectable()
export class BootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Bootstrap');

  constructor(
    private readonly db: Database,
    private readonly users: UsersService,
    private readonly tokens: TokensService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (await this.users.anyAdmin()) return;
    // Several processes may start together on one empty PostgreSQL database (a first rollout with
    // replicas): they take turns here, and only the first creates the admin; the others see it.
    const created = await this.db.transaction(async (tx) => {
      await tx.lockKey('bootstrap', 'instance-admin');
      return (await this.users.anyAdmin(tx)) ? null : this.createAdminIn(tx, 'root', 'root@roster.invalid', 'Administrator', this.config.adminToken);
    });
    if (!created) return;
    const { token } = created;
    if (this.config.adminToken) {
      this.logger.log('created the instance admin "root" with the token from ADMIN_TOKEN');
    } else {
      process.stdout.write(`\nRoster created the instance admin "root".\nIts personal access token (shown once, store it now):\n\n    ${token}\n\n`);
    }
  }

  /** Also the recovery path of `npm run cli -- create-admin`. */
  createAdmin(username: string, email: string, name: string, secret?: string): Promise<{ userId: number; username: string; token: string }> {
    return this.db.transaction((tx) => this.createAdminIn(tx, username, email, name, secret));
  }

  private async createAdminIn(tx: Tx, username: string, email: string, name: string, secret?: string): Promise<{ userId: number; username: string; token: string }> {
    const user = await this.users.create(tx, { usernameSource: username, name, email, isAdmin: true });
    const pat = await this.tokens.createPatInTx(tx, systemActor(), user, 'bootstrap', secret);
    return { userId: user.id, username: user.username, token: pat.token };
  }
}
