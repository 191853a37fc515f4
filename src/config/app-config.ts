/**
 * Configuration from the environment, validated once at boot so a typo fails fast with a message
 * that names the variable, instead of surfacing later as a confusing runtime error.
 */
export type DatabaseKind = 'sqlite' | 'postgres';

export interface AppConfig {
  port: number;
  host: string;
  baseUrl: string;
  databaseUrl: string;
  databaseKind: DatabaseKind;
  /** For sqlite: the file path, or ':memory:'. */
  sqlitePath?: string;
  adminToken?: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Sustained SCIM requests per second per token; 0 turns the limiter off (benchmarks). */
  scimRateLimitPerSecond: number;
  scimRateLimitBurst: number;
  /** Newest request-log rows kept per scope. */
  scimRequestLogRetention: number;
  /** Bearer token Prometheus sends to GET /metrics; without it /metrics answers only on a loopback bind. */
  metricsToken?: string;
  /** Groups the per-group mismatch gauge reports (by id); bounds the `group` label's values. */
  metricsGroupLimit: number;
  /** After SIGTERM, how long /health/ready answers 503 while requests are still served (lets a balancer drain). */
  shutdownGraceMs: number;
  /** How often expired memberships are removed (MemberExpiryService); 0: never. */
  memberExpiryIntervalMs: number;
  /** SAML response validation off the event loop (saml-validation-pool.ts): worker threads, per-response deadline, waiting responses. */
  samlValidationWorkers: number;
  samlValidationDeadlineMs: number;
  samlValidationQueue: number;
  /** Encrypts SP private keys at rest (AES-256-GCM): ROSTER_SECRET_KEY, else the key file (created at first start, 0600). */
  secretKey: SecretKeySource;
  /** RSA size of the SP key pairs Roster generates. */
  samlSpKeyBits: 2048 | 3072;
  /** The outbox's delivery: without an SMTP URL messages stay in the outbox, shown to admins. */
  mail: MailConfig;
}

export type SecretKeySource = { kind: 'env'; key: Buffer } | { kind: 'file'; path: string };

/** ROSTER_SECRET_KEY: 32 bytes as 64 hex digits or base64; else ROSTER_SECRET_KEY_FILE (default ./data/secret.key). */
function secretKeySource(env: NodeJS.ProcessEnv): SecretKeySource {
  const raw = env.ROSTER_SECRET_KEY?.trim();
  if (raw) {
    const key = /^[0-9a-fA-F]{64}$/.test(raw) ? Buffer.from(raw, 'hex') : /^[A-Za-z0-9+/_-]{43}=?$/.test(raw) ? Buffer.from(raw, 'base64') : null;
    if (!key || key.length !== 32) throw new ConfigError('ROSTER_SECRET_KEY must be 32 random bytes as 64 hex digits or base64 (e.g. `openssl rand -hex 32`)');
    return { kind: 'env', key };
  }
  return { kind: 'file', path: env.ROSTER_SECRET_KEY_FILE?.trim() || './data/secret.key' };
}

export interface MailConfig {
  /** `smtp://user:pass@host:587` (STARTTLS when the server offers it) or `smtps://…:465`; unset: no delivery. */
  smtpUrl?: string;
  /** The From header of every message. */
  from: string;
  /** How often a worker looks for messages due. */
  pollMs: number;
  /** The first retry's delay; each further failure doubles it, up to retryMaxMs. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Connection, greeting and socket timeout of one delivery attempt. */
  smtpTimeoutMs: number;
  /** How long a claimed message is reserved for the worker that claimed it (then any worker may retry it). */
  leaseMs: number;
}

export class ConfigError extends Error {}

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

export function parseDatabaseUrl(url: string): { kind: DatabaseKind; sqlitePath?: string } {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    if (path === '') throw new ConfigError('DATABASE_URL "sqlite:" needs a file path, e.g. sqlite:./data/roster.sqlite');
    return { kind: 'sqlite', sqlitePath: path };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    try {
      new URL(url);
    } catch {
      throw new ConfigError('DATABASE_URL is not a valid postgres:// URL');
    }
    return { kind: 'postgres' };
  }
  throw new ConfigError('DATABASE_URL must start with sqlite: or postgres://');
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const host = env.HOST?.trim() || '0.0.0.0';
  const databaseUrl = env.DATABASE_URL?.trim() || 'sqlite:./data/roster.sqlite';
  const db = parseDatabaseUrl(databaseUrl);
  let baseUrl = env.BASE_URL?.trim() || `http://localhost:${port}`;
  try {
    const parsed = new URL(baseUrl);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error();
  } catch {
    throw new ConfigError(`BASE_URL must be an http(s) URL, got "${baseUrl}"`);
  }
  baseUrl = baseUrl.replace(/\/+$/, '');
  const logLevel = (env.LOG_LEVEL?.trim() || 'info') as AppConfig['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  const adminToken = env.ADMIN_TOKEN?.trim() || undefined;
  if (adminToken !== undefined && adminToken.length < 20) {
    throw new ConfigError('ADMIN_TOKEN must be at least 20 characters long');
  }
  const smtpUrl = env.SMTP_URL?.trim() || undefined;
  if (smtpUrl !== undefined) {
    let protocol = '';
    try {
      protocol = new URL(smtpUrl).protocol;
    } catch {
      /* reported below */
    }
    // The message never repeats the URL: it may carry the SMTP password.
    if (protocol !== 'smtp:' && protocol !== 'smtps:') throw new ConfigError('SMTP_URL must be an smtp:// or smtps:// URL');
  }
  const smtpTimeoutMs = integer(env, 'SMTP_TIMEOUT_MS', 10_000, 100, 600_000);
  const mail: MailConfig = {
    smtpUrl,
    from: env.MAIL_FROM?.trim() || `Roster <roster@${new URL(baseUrl).hostname}>`,
    pollMs: integer(env, 'MAIL_POLL_MS', 2_000, 10, 3_600_000),
    retryBaseMs: integer(env, 'MAIL_RETRY_BASE_MS', 30_000, 10, 86_400_000),
    retryMaxMs: integer(env, 'MAIL_RETRY_MAX_MS', 3_600_000, 10, 86_400_000),
    smtpTimeoutMs,
    // Longer than any attempt can take, so a live worker's message is never sent twice at once.
    leaseMs: smtpTimeoutMs * 3 + 5_000,
  };
  const metricsToken = env.METRICS_TOKEN?.trim() || undefined;
  if (metricsToken !== undefined && metricsToken.length < 20) throw new ConfigError('METRICS_TOKEN must be at least 20 characters long');
  return {
    port,
    host,
    baseUrl,
    databaseUrl,
    databaseKind: db.kind,
    sqlitePath: db.sqlitePath,
    adminToken,
    logLevel,
    scimRateLimitPerSecond: integer(env, 'SCIM_RATE_LIMIT', 50, 0, 1_000_000),
    scimRateLimitBurst: integer(env, 'SCIM_RATE_LIMIT_BURST', 200, 1, 1_000_000),
    scimRequestLogRetention: integer(env, 'SCIM_REQUEST_LOG_RETENTION', 100_000, 100, 100_000_000),
    metricsToken,
    metricsGroupLimit: integer(env, 'METRICS_GROUP_LIMIT', 50, 0, 10_000),
    shutdownGraceMs: integer(env, 'SHUTDOWN_GRACE_MS', 0, 0, 120_000),
    memberExpiryIntervalMs: integer(env, 'MEMBER_EXPIRY_INTERVAL_MS', 600_000, 0, 86_400_000),
    mail,
    // 0 (the default): one worker fewer than the machine's cores, at least one.
    samlValidationWorkers: integer(env, 'SAML_VALIDATION_WORKERS', 0, 0, 64),
    samlValidationDeadlineMs: integer(env, 'SAML_VALIDATION_DEADLINE_MS', 500, 50, 60_000),
    samlValidationQueue: integer(env, 'SAML_VALIDATION_QUEUE', 32, 0, 10_000),
    secretKey: secretKeySource(env),
    samlSpKeyBits: spKeyBits(env),
  };
}

function spKeyBits(env: NodeJS.ProcessEnv): 2048 | 3072 {
  const bits = integer(env, 'SAML_SP_KEY_BITS', 2048, 2048, 3072);
  if (bits !== 2048 && bits !== 3072) throw new ConfigError(`SAML_SP_KEY_BITS must be 2048 or 3072, got ${bits}`);
  return bits;
}

/** Nest injection token for AppConfig. */
export const APP_CONFIG = Symbol('APP_CONFIG');
