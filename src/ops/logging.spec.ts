import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express from 'express';
import { createRootLogger, httpLogging, NestPinoLogger } from './logging.js';
import { requestIdFrom } from './request-id.js';

/** A pino destination that keeps the lines it is given. */
function capture() {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        raw.push(line);
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return { stream, lines, raw };
}

describe('requestIdFrom', () => {
  it('keeps an id a proxy set when it is 1–128 visible ASCII characters', () => {
    for (const id of ['abc', 'Root=1-67891233-abcdef012345678912345678;Parent=53995c3f42cd8ad8', 'x'.repeat(128), '0f9c2e1e-1d2b-4c5e-9b1a-2f3d4c5b6a79']) {
      expect(requestIdFrom(id)).toBe(id);
    }
    expect(requestIdFrom(['first', 'second'])).toBe('first');
  });

  it('replaces a missing, empty, long, spaced, control-character or non-ASCII id with a fresh UUID', () => {
    for (const bad of [undefined, '', 'x'.repeat(129), 'has space', 'line\nbreak', 'tab\t', 'é', '\u0000']) {
      const id = requestIdFrom(bad);
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    expect(requestIdFrom(undefined)).not.toBe(requestIdFrom(undefined));
  });
});

describe('httpLogging', () => {
  async function serve(level: 'info' | 'debug' = 'info') {
    const out = capture();
    const app = express();
    app.use(httpLogging(createRootLogger(level, out.stream)));
    app.use(express.json());
    app.post('/api/v4/things/:id', (_request, response) => void response.status(201).json({ ok: true }));
    app.get('/health/live', (_request, response) => void response.json({ status: 'ok' }));
    app.get('/boom', (_request, response) => void response.status(503).end());
    app.get('/crash', (_request, response) => {
      (response as typeof response & { err?: Error }).err = new Error('database went away');
      response.status(500).end();
    });
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { out, base, close: () => new Promise((resolve) => server.close(resolve)) };
  }

  it('writes one line per request with id, method, route, status and duration, and echoes the id', async () => {
    const { out, base, close } = await serve();
    const response = await fetch(`${base}/api/v4/things/42?page=2`, { method: 'POST', headers: { 'X-Request-Id': 'edge-7f3a', 'Content-Type': 'application/json' }, body: '{}' });
    await close();
    expect(response.status).toBe(201);
    expect(response.headers.get('x-request-id')).toBe('edge-7f3a');
    expect(out.lines).toHaveLength(1);
    const [line] = out.lines;
    expect(line).toEqual(expect.objectContaining({ level: 'info', requestId: 'edge-7f3a', route: '/api/v4/things/:id', res: { statusCode: 201 }, msg: 'request completed', service: 'roster' }));
    expect(line.req).toEqual(expect.objectContaining({ method: 'POST', url: '/api/v4/things/42?page=2' }));
    expect(typeof line.durationMs).toBe('number');
  });

  it('never writes credentials from headers or the query string, nor bodies', async () => {
    const { out, base, close } = await serve();
    const secrets = [
      'hdr-bearer-s3cr3t-value',
      'hdr-private-token-s3cr3t',
      'cookie-session-s3cr3t',
      'query-private-token-s3cr3t',
      'query-access-token-s3cr3t',
      'query-password-s3cr3t',
      'body-password-s3cr3t',
      'body-token-s3cr3t',
      'csrf-s3cr3t',
      'roster_link_invitation-s3cr3t',
    ];
    await fetch(`${base}/api/v4/things/1?private_token=${secrets[3]}&access_token=${secrets[4]}&password=${secrets[5]}&token=${secrets[9]}&search=visible-term`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${secrets[0]}`,
        'PRIVATE-TOKEN': secrets[1],
        Cookie: `roster_session=${secrets[2]}`,
        'X-CSRF-Token': secrets[8],
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({ password: secrets[6], token: secrets[7], name: 'visible-name' }),
    });
    await close();
    const text = out.raw.join('\n');
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).toContain('visible-term'); // the query string is logged, with its secrets masked
    expect(text).not.toContain('visible-name'); // bodies are not logged at all
    const headers = (out.lines[0].req as { headers: Record<string, string> }).headers;
    expect(headers.authorization).toBe('[FILTERED]');
    expect(headers['private-token']).toBe('[FILTERED]');
    expect(headers.cookie).toBe('[FILTERED]');
  });

  it('logs health checks at debug and server errors at error', async () => {
    const quiet = await serve('info');
    await fetch(`${quiet.base}/health/live`);
    await fetch(`${quiet.base}/boom`);
    await quiet.close();
    expect(quiet.out.lines.map((l) => [l.level, (l.res as { statusCode: number }).statusCode])).toEqual([['error', 503]]);
    const verbose = await serve('debug');
    await fetch(`${verbose.base}/health/live`);
    await verbose.close();
    expect(verbose.out.lines.map((l) => l.level)).toEqual(['debug']);
  });

  it('keeps the exception the error filter handed over, with its stack, and makes none up', async () => {
    const { out, base, close } = await serve();
    await fetch(`${base}/crash`);
    await fetch(`${base}/boom`);
    await close();
    const [crash, boom] = out.lines;
    expect(crash).toEqual(expect.objectContaining({ level: 'error', msg: 'request failed', res: { statusCode: 500 } }));
    expect((crash.err as { message: string; stack: string }).message).toBe('database went away');
    expect((crash.err as { stack: string }).stack).toContain('logging.spec');
    expect(boom).not.toHaveProperty('err');
  });
});

describe('NestPinoLogger', () => {
  it('keeps the stack Nest passes to error(), and the context', () => {
    const out = capture();
    const logger = new NestPinoLogger(createRootLogger('info', out.stream));
    const stack = 'Error: boom\n    at handler (/app/x.js:1:1)';
    logger.error('request failed', stack, 'ExceptionsHandler');
    logger.error('plain', 'SomeContext');
    logger.log('module ready', 'InstanceLoader'); // start-up chatter: debug, below the threshold
    logger.warn('careful', 'Bootstrap');
    expect(out.lines.map(({ level, msg, context, stack: s }) => ({ level, msg, context, stack: s }))).toEqual([
      { level: 'error', msg: 'request failed', context: 'ExceptionsHandler', stack },
      { level: 'error', msg: 'plain', context: 'SomeContext', stack: undefined },
      { level: 'warn', msg: 'careful', context: 'Bootstrap', stack: undefined },
    ]);
  });
});
