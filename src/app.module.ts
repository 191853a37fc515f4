import { join } from 'node:path';
import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ServeStaticModule } from '@nestjs/serve-static';
import { AdminModule } from './admin/admin.module.js';
import { AppErrorFilter } from './app-error.filter.js';
import { loadConfig } from './config/app-config.js';
import type { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { OpsModule } from './ops/ops.module.js';
import { projectRoot } from './project-root.js';
import { SamlModule } from './saml/saml.module.js';
import { SamlSsoModule } from './saml/saml-sso.module.js';
import { ScimModule } from './scim/scim.module.js';

@Module({})
export class AppModule {
  /** `config` lets tests and the benchmark start Roster on their own database and port. */
  static forRoot(config: AppConfig = loadConfig()): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        OpsModule,
        DatabaseModule.forRoot(),
        ScimModule,
        SamlModule,
        SamlSsoModule,
        AdminModule,
        ServeStaticModule.forRoot({
          rootPath: join(projectRoot(), 'client'),
          exclude: ['/api/{*path}', '/health', '/health/{*path}', '/metrics', '/groups/{*path}'],
          serveStaticOptions: { index: 'index.html', fallthrough: true },
        }),
      ],
      providers: [{ provide: APP_FILTER, useClass: AppErrorFilter }],
    };
  }
}
