import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';
import { configureApp } from './app-setup.js';
import { ConfigError, loadConfig } from './config/app-config.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const started = Date.now();
  // Start-up messages wait for the app's pino logger (configureApp installs it), so every line of
  // the process is one JSON format; a failure before that is printed by Nest as it happens.
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    bufferLogs: true,
  });
  configureApp(app);
  await app.listen(config.port, config.host);
  const logger = new Logger('Roster');
  logger.log(`listening on ${config.baseUrl} (${config.databaseKind}) after ${Date.now() - started} ms`);

  // Graceful shutdown: stop accepting, let in-flight requests finish, flush the request log,
  // close the database, then exit 0. A second signal forces the exit.
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.log(`${signal} received: shutting down`);
    // The signal tells the health checks a SIGTERM is draining (SHUTDOWN_GRACE_MS); Nest's
    // implementation takes it, its interface type does not declare it.
    (app as unknown as { close(signal?: string): Promise<void> }).close(signal).then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error(`shutdown failed: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

void main();
