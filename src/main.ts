import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';
import { configureApp } from './app-setup.js';
import { ConfigError, loadConfig } from './config/app-config.js';
import { JsonLogger } from './common/json-logger.js';

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
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    logger: new JsonLogger(config.logLevel),
  });
  configureApp(app);
  await app.listen(config.port, config.host);
  new Logger('Roster').log(`listening on ${config.baseUrl} (${config.databaseKind}) after ${Date.now() - started} ms`);
}

void main();
