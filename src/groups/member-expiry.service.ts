import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { systemActor } from '../common/actor.js';
import { utcDay } from '../common/clock.js';
import { APP_CONFIG } from '../config/app-config.js';
import type { AppConfig } from '../config/app-config.js';
import { GroupsService } from './groups.service.js';
import { MembersRepository } from './members.repository.js';
import { MembershipService } from './membership.service.js';

/** Memberships handled per run; a run that fills it goes on at once with the next batch. */
const BATCH = 200;

/**
 * Ends memberships on their `expires_at` day: at start and every MEMBER_EXPIRY_INTERVAL_MS
 * (default 10 minutes; 0 turns the job off). Several processes may run it at once: each removal
 * re-reads the row in its own transaction, so a membership is removed, and audited, once.
 * Until the job has run, the day's expired members already have no access (GroupAccessService).
 */
@Injectable()
export class MemberExpiryService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('MemberExpiry');
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    private readonly members: MembersRepository,
    private readonly membership: MembershipService,
    private readonly groups: GroupsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    if (this.config.memberExpiryIntervalMs === 0) return;
    const tick = () => void this.runOnce().catch((error: unknown) => this.logger.warn(`member expiry failed: ${String(error)}`));
    this.timer = setInterval(tick, this.config.memberExpiryIntervalMs);
    this.timer.unref();
    setImmediate(tick);
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** Removes every membership due at `now`; answers how many were removed. One run at a time per process. */
  runOnce(now = new Date()): Promise<number> {
    this.running ??= this.removeDue(now).finally(() => (this.running = undefined));
    return this.running;
  }

  private async removeDue(now: Date): Promise<number> {
    const today = utcDay(now);
    const actor = systemActor();
    // Rows left in place (the last Owner, a group deleted meanwhile) are not asked for again in this run.
    const skipped = new Set<string>();
    let removed = 0;
    for (;;) {
      const due = (await this.members.findDueToExpire(today, BATCH + skipped.size)).filter((row) => !skipped.has(`${row.groupId}:${row.userId}`));
      if (due.length === 0) return removed;
      for (const row of due) {
        const group = await this.groups.findById(row.groupId);
        const outcome = group ? await this.membership.expire(actor, group, { id: row.userId, name: row.name, username: row.username }, today) : 'not_due';
        if (outcome === 'removed') removed += 1;
        else skipped.add(`${row.groupId}:${row.userId}`);
        if (outcome === 'last_owner') this.logger.warn(`membership of user ${row.userId} in group ${row.groupId} expired, but it is the group's last Owner: kept`);
      }
      if (due.length < BATCH) return removed;
    }
  }
}
