import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { APP_CONFIG } from '../config/app-config.js';
import type { AppConfig } from '../config/app-config.js';
import { DomainError } from '../common/domain-error.js';
import { metricsAccess } from './metrics-access.js';
import { Metrics } from './metrics.js';

/** Prometheus' scrape target (text exposition format); who may read it: metrics-access.ts. */
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: Metrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  async scrape(@Headers('authorization') authorization: string | undefined, @Res() response: Response): Promise<void> {
    const access = metricsAccess(this.config.host, this.config.metricsToken, authorization);
    if (access === 'off') throw new DomainError('not_found', '404 Not Found');
    if (access === 'unauthenticated') throw new DomainError('unauthenticated', '401 Unauthorized');
    const { contentType, body } = await this.metrics.exposition();
    response.status(200).type(contentType).send(body);
  }
}
