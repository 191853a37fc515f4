import type { LoggerService, LogLevel } from '@nestjs/common';

const ORDER = ['debug', 'info', 'warn', 'error'] as const;
/** Nest's start-up chatter (one line per module and route) is only interesting when debugging. */
const QUIET_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory']);
type Level = (typeof ORDER)[number];

/** Structured JSON logs, one object per line; `LOG_LEVEL` sets the threshold. */
export class JsonLogger implements LoggerService {
  private readonly threshold: number;

  constructor(level: Level = 'info') {
    this.threshold = ORDER.indexOf(level);
  }

  private write(level: Level, message: unknown, context?: unknown): void {
    if (ORDER.indexOf(level) < this.threshold) return;
    const line = JSON.stringify({ time: new Date().toISOString(), level, context: typeof context === 'string' ? context : undefined, message: String(message) });
    (level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(`${line}\n`);
  }

  log(message: unknown, context?: unknown): void {
    this.write(typeof context === 'string' && QUIET_CONTEXTS.has(context) ? 'debug' : 'info', message, context);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest.at(-1));
  }
  warn(message: unknown, context?: unknown): void {
    this.write('warn', message, context);
  }
  debug(message: unknown, context?: unknown): void {
    this.write('debug', message, context);
  }
  verbose(message: unknown, context?: unknown): void {
    this.write('debug', message, context);
  }
  setLogLevels?(_levels: LogLevel[]): void {}
}
