import { Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import type { Logger } from 'pino';
import { APP_CONFIG } from '../config/app-config.js';
import type { AppConfig } from '../config/app-config.js';
import { TRANSACTION_OBSERVER } from '../database/transaction-observer.js';
import { HealthController, PingController } from './health.controller.js';
import { createRootLogger, NestPinoLogger } from './logging.js';
import { MetricsController } from './metrics.controller.js';
import { Metrics } from './metrics.js';

/** Injection token of the process's pino logger (logging.ts). */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

/**
 * Running Roster: structured logs, Prometheus metrics and health checks. Global, so the modules
 * that own a number (provisioning outcomes, sign-ins, the database's transactions) report it
 * without importing this one.
 */
@Global()
@Module({
  imports: [
    // On SIGTERM, /health/ready answers 503 for SHUTDOWN_GRACE_MS before the server stops taking requests.
    TerminusModule.forRootAsync({ inject: [APP_CONFIG], useFactory: (config: AppConfig) => ({ logger: false, gracefulShutdownTimeoutMs: config.shutdownGraceMs }) }),
  ],
  controllers: [HealthController, PingController, MetricsController],
  providers: [
    Metrics,
    { provide: TRANSACTION_OBSERVER, useExisting: Metrics },
    { provide: ROOT_LOGGER, inject: [APP_CONFIG], useFactory: (config: AppConfig) => createRootLogger(config.logLevel) },
    { provide: NestPinoLogger, inject: [ROOT_LOGGER], useFactory: (logger: Logger) => new NestPinoLogger(logger) },
  ],
  exports: [Metrics, TRANSACTION_OBSERVER, ROOT_LOGGER, NestPinoLogger],
})
export class OpsModule {}
