import { DynamicModule, Global, Module } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, DataSourceOptions } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config.js';
import { dataSourceOptions, READER } from './data-source-options.js';
import { Database } from './database.service.js';
import { migrate } from './migrate.js';
import { TRANSACTION_OBSERVER, TransactionObserver } from './transaction-observer.js';

/**
 * The two TypeORM connections, registered with TypeOrmModule: the writer (default; migrations run
 * on it before anything else starts) and the reader, which owning modules reach through
 * `TypeOrmModule.forFeature([...], READER)` for their plain reads. Writes go through
 * Database.transaction on the writer.
 */
/** Page cache per SQLite connection (negative: KiB). */
const SQLITE_CACHE_KIB = -16_384;

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [APP_CONFIG],
          // A PostgreSQL server may still be starting (several tries, 3 s apart); a SQLite file that
          // does not open will not open on a second try either, so start-up fails at once.
          useFactory: (config: AppConfig) => ({ ...dataSourceOptions(config, 'writer'), retryAttempts: config.databaseKind === 'postgres' ? 9 : 0 }),
          dataSourceFactory: async (options) => {
            const source = await new DataSource(options!).initialize();
            if (source.options.type === 'sqlite') {
              for (const pragma of ['synchronous = NORMAL', `cache_size = ${SQLITE_CACHE_KIB}`, 'foreign_keys = ON']) await source.query(`PRAGMA ${pragma}`);
            }
            await migrate(source);
            // WAL checkpoints are taken off the commit path by Database's checkpointer.
            if (source.options.type === 'sqlite') await source.query('PRAGMA wal_autocheckpoint = 0');
            return source;
          },
        }),
        TypeOrmModule.forRootAsync({
          name: READER,
          // After the writer: it creates the SQLite file, switches it to WAL and migrates it.
          inject: [APP_CONFIG, getDataSourceToken()],
          useFactory: (config: AppConfig) => ({ ...dataSourceOptions(config, 'reader'), retryAttempts: config.databaseKind === 'postgres' ? 9 : 0 }),
          dataSourceFactory: async (options) => {
            const source = await new DataSource(options as DataSourceOptions).initialize();
            if (source.options.type === 'sqlite') {
              for (const pragma of ['query_only = ON', `cache_size = ${SQLITE_CACHE_KIB}`]) await source.query(`PRAGMA ${pragma}`);
            }
            return source;
          },
        }),
      ],
      providers: [
        {
          provide: Database,
          inject: [APP_CONFIG, getDataSourceToken(), getDataSourceToken(READER), { token: TRANSACTION_OBSERVER, optional: true }],
          useFactory: async (config: AppConfig, writer: DataSource, reader: DataSource, observer?: TransactionObserver) => {
            const db = new Database(config, writer, reader, observer);
            await db.open();
            return db;
          },
        },
      ],
      exports: [Database],
    };
  }
}
