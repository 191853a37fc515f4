import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Database } from '../database/database.service.js';

@Controller('health')
export class HealthController {
  constructor(private readonly db: Database) {}

  @Get()
  async health(@Res({ passthrough: true }) response: Response) {
    const ok = await this.db.ping();
    response.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: ok ? 'ok' : 'unavailable', database: ok ? 'ok' : 'unavailable' };
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
