import 'reflect-metadata';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NestFactory } from '@nestjs/core';
import { BootstrapService } from './admin/bootstrap.service.js';
import { AppModule } from './app.module.js';
import { pino } from 'pino';
import { createRootLogger, NestPinoLogger } from './ops/logging.js';
import { ConfigError, loadConfig } from './config/app-config.js';
import { isUniqueViolation } from './database/database.service.js';
import { isEmailAddress, UsersService } from './users/users.service.js';
import { sanitizeUsername } from './users/username.js';

export const USAGE = `Usage: npm run cli -- create-admin <username> <email>

  create-admin   creates an instance admin and prints a new personal access token for it
                 (the recovery path when no admin can sign in)

The database is the one DATABASE_URL names, as for the server.
`;

export interface CliOutput {
  write(text: string): unknown;
}

/** Exit codes: 0 done, 1 the command failed, 2 the command line (or configuration) is wrong. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv = process.env, out: CliOutput = process.stdout, err: CliOutput = process.stderr): Promise<number> {
  const [command, username, email, ...extra] = args;
  if (command === 'help' || command === '--help' || command === '-h') {
    out.write(USAGE);
    return 0;
  }
  if (command !== 'create-admin' || username === undefined || email === undefined || extra.length > 0) {
    err.write(command !== undefined && command !== 'create-admin' ? `Unknown command "${command}".\n\n${USAGE}` : USAGE);
    return 2;
  }
  if (username === '' || sanitizeUsername(username) !== username) {
    err.write(`"${username}" is not a valid username: use 1 to 60 letters, digits, "_", "-" or ".", starting and ending with a letter or digit.\n\n${USAGE}`);
    return 2;
  }
  if (!isEmailAddress(email)) {
    err.write(`"${email}" is not a valid email address.\n\n${USAGE}`);
    return 2;
  }

  let config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      err.write(`Configuration error: ${error.message}\n`);
      return 2;
    }
    throw error;
  }

  // The application context only: modules, database and migrations, no HTTP listener.
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: new NestPinoLogger(createRootLogger('warn', pino.destination(2))) });
  try {
    if (await app.get(UsersService).findByEmail(email)) {
      err.write(`Error: a user with the email address ${email} already exists; choose another address.\n`);
      return 1;
    }
    let created;
    try {
      created = await app.get(BootstrapService).createAdmin(username, email, username);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      err.write(`Error: a user with the email address ${email} already exists; choose another address.\n`);
      return 1;
    }
    const renamed = created.username === username ? '' : ` (the username "${username}" is taken)`;
    out.write(`Created the instance admin "${created.username}"${renamed}, user id ${created.userId}.\n` + `Its personal access token (shown once, store it now):\n\n    ${created.token}\n\n`);
    return 0;
  } finally {
    await app.close();
  }
}

/** True when this file is the program node was started with (not imported by a test). */
function isEntryPoint(): boolean {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  runCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
