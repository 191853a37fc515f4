import { DataSource } from 'typeorm';
import { loadConfig } from './src/config/app-config.js';
import { dataSourceOptions } from './src/database/data-source-options.js';

/**
 * For the TypeORM CLI (migration:generate / migration:run) against DATABASE_URL. The application
 * itself runs migrations at start and never uses `synchronize`.
 */
export default new DataSource(dataSourceOptions(loadConfig()));
