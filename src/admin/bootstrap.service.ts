import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG } from '../config/app-config.js';
import type { AppConfig } from '../config/app-config.js';
import { systemActor } from '../common/actor.js';
import { Database } from '../database/database.service.js';
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
    const { token } = await this.createAdmin('root', 'root@roster.invalid', 'Administrator', this.config.adminToken);
    if (this.config.adminToken) {
      this.logger.log('created the instance admin "root" with the token from ADMIN_TOKEN');
    } else {
      process.stdout.write(`\nRoster created the instance admin "root".\nIts personal access token (shown once, store it now):\n\n    ${token}\n\n`);
    }
  }

  /** Also the recovery path of `npm run cli -- create-admin`. */
  async createAdmin(username: string, email: string, name: string, secret?: string): Promise<{ userId: number; username: string; token: string }> {
    return this.db.transaction(async (tx) => {
      const actor = systemActor();
      const user = await this.users.create(tx, { usernameSource: username, name, email, isAdmin: true });
      const pat = await this.tokens.createPatInTx(tx, actor, user, 'bootstrap', secret);
      return { userId: user.id, username: user.username, token: pat.token };
    });
  }
}
