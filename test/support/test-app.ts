import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module.js';
import { configureApp } from '../../src/app-setup.js';
import { AppConfig, loadConfig } from '../../src/config/app-config.js';
import { Database } from '../../src/database/database.service.js';
import { ScimRequestLogService } from '../../src/scim/scim-request-log.service.js';
import { createTestDatabase, TestDatabase } from './test-database.js';

export const ADMIN_TOKEN = 'roster_pat_test-admin-token-0123456789abcdef';

export interface TestApp {
  app: NestExpressApplication;
  http: () => ReturnType<typeof request>;
  config: AppConfig;
  database: TestDatabase;
  /** Raw SQL against the app's database, for asserting what was stored. */
  sql<T = Record<string, unknown>>(query: string, params?: unknown[]): Promise<T[]>;
  /** Writes buffered request-log rows now. */
  flushLogs(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The real application (all modules, real migrations, the same HTTP setup as main.ts) on a fresh
 * database, listening on a free loopback port.
 */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const config = loadConfig({
    DATABASE_URL: database.url,
    ADMIN_TOKEN,
    PORT: '0',
    BASE_URL: 'http://roster.test',
    LOG_LEVEL: 'error',
    SCIM_RATE_LIMIT: '0',
    // SP private keys are encrypted with this; no key file is written by tests.
    ROSTER_SECRET_KEY: 'b1f0c4e2a7d9385c6e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f',
    ...env,
  });
  // NestFactory rather than Test.createTestingModule: the testing module builds its providers before
  // the HTTP adapter exists, so @nestjs/serve-static would silently serve no UI.
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), { bodyParser: false, logger: ['error'], abortOnError: false });
  configureApp(app);
  // A fixed PORT for clients that follow absolute URLs (BASE_URL must then name the same port).
  await app.listen(env.PORT ? Number(env.PORT) : 0, '127.0.0.1');
  const db = app.get(Database);
  const server = app.getHttpServer();
  const writer = (db as unknown as { writer: DataSource }).writer;
  return {
    app,
    http: () => request(server),
    config,
    database,
    sql: async <T>(query: string, params: unknown[] = []) => {
      const text =
        database.kind === 'postgres'
          ? query.replace(
              /\?/g,
              (() => {
                let n = 0;
                return () => `$${++n}`;
              })(),
            )
          : query;
      return (await writer.query(text, params)) as T[];
    },
    flushLogs: () => app.get(ScimRequestLogService).flush(),
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}
