import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config.js';
import { Database } from './database.service.js';

@Global()
@Module({
  providers: [
    {
      provide: Database,
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig) => {
        const db = new Database(config);
        await db.open();
        return db;
      },
    },
  ],
  exports: [Database],
})
export class DatabaseModule {}
