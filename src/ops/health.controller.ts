import { Controller, Get, HttpStatus, Res, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import type { Response } from 'express';
import { Database } from '../database/database.service.js';

/**
 * Health for orchestrators (@nestjs/terminus):
 * - `/health/live`: the process answers HTTP (restart it when this fails);
 * - `/health/ready`: the database answers, every migration of this build is applied, and Roster
 *   is not shutting down (send it traffic only while this is 200);
 * - `/health`: the database check, in the shape earlier releases answered and monitors expect.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly db: Database,
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
  ) {}

  @Get()
  async database(@Res({ passthrough: true }) response: Response) {
    const ok = await this.db.ping();
    response.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: ok ? 'ok' : 'unavailable', database: ok ? 'ok' : 'unavailable' };
  }

  /**
   * No checks, and not terminus's check(): that answers 503 for every check once a SIGTERM is
   * draining, and a draining process is alive — a liveness failure would get it killed mid-drain.
   */
  @Get('live')
  live() {
    return { status: 'ok', info: {}, error: {}, details: {} };
  }

  @Get('ready')
  ready(@Res({ passthrough: true }) response: Response) {
    return this.answer(response, () =>
      this.health.check([
        async () => {
          const database = this.indicators.check('database');
          return (await this.db.ping()) ? database.up() : database.down('the database does not answer');
        },
        async () => {
          const migrations = this.indicators.check('migrations');
          try {
            const pending = await this.db.pendingMigrations();
            return pending.length === 0 ? migrations.up() : migrations.down({ pending });
          } catch {
            return migrations.down('the migrations table cannot be read');
          }
        },
      ]),
    );
  }

  /** Terminus throws its 503 with the report as the body; the report is the answer either way. */
  private async answer(response: Response, check: () => Promise<unknown>): Promise<unknown> {
    try {
      return await check();
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      response.status(HttpStatus.SERVICE_UNAVAILABLE);
      return error.getResponse();
    }
  }
}

/** A database-free endpoint: load balancers' liveness check, and the benchmark's ceiling. */
@Controller('api/ping')
export class PingController {
  @Get()
  ping() {
    return { pong: true };
  }
}
