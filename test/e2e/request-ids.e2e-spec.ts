import { jest } from '@jest/globals';
import { oktaUser, SCIM_JSON } from '../support/fixtures.js';
import { ensureBuilt, ServerProcess, setUpGroupOverHttp, startServer } from '../support/server-process.js';
import { createTestDatabase, TestDatabase } from '../support/test-database.js';

const ADMIN = 'roster_pat_request-ids-admin-0123456789abcdef';

/**
 * Roster as `npm start` runs it, its log read from its stdout: one request id leads from a log
 * line to the SCIM request-log row and the audit events the request wrote, and no secret a client
 * sends (headers, query string, body) reaches the log.
 */
describe('request ids and logs of a Roster process', () => {
  jest.setTimeout(120_000);
  let database: TestDatabase;
  let server: ServerProcess;
  let group: { id: number; scimToken: string; scimBase: string };

  beforeAll(async () => {
    ensureBuilt();
    database = await createTestDatabase();
    server = await startServer({ DATABASE_URL: database.url, ADMIN_TOKEN: ADMIN, LOG_LEVEL: 'info' });
    group = await setUpGroupOverHttp(server, ADMIN, 'ids-acme');
  });
  afterAll(async () => {
    await server?.kill();
    await database?.drop();
  });

  const admin = async (path: string) => {
    const response = await fetch(`${server.url}${path}`, { headers: { Authorization: `Bearer ${ADMIN}` } });
    expect(response.status).toBe(200);
    return (await response.json()) as Record<string, unknown>[];
  };

  /** The process's request log lines (JSON lines with a requestId). */
  function requestLines(): Record<string, unknown>[] {
    return server
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => typeof line.requestId === 'string');
  }

  async function lineFor(requestId: string): Promise<Record<string, unknown>> {
    for (let i = 0; i < 100; i++) {
      const line = requestLines().find((l) => l.requestId === requestId);
      if (line) return line;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no log line for ${requestId}:\n${server.output()}`);
  }

  it('carries the X-Request-Id a proxy set from the log line to the request-log row and the audit events', async () => {
    const requestId = 'lb-8d1c2e7a-ids-1';
    const person = oktaUser();
    const response = await fetch(`${group.scimBase}/Users`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${group.scimToken}`, 'Content-Type': SCIM_JSON, 'X-Request-Id': requestId },
      body: JSON.stringify(person),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-request-id')).toBe(requestId);

    const line = await lineFor(requestId);
    expect(line).toEqual(
      expect.objectContaining({
        level: 'info',
        msg: 'request completed',
        route: '/api/scim/v2/groups/:group/Users',
        scope: `group:${group.id}`,
        externalId: person.externalId,
        res: { statusCode: 201 },
      }),
    );
    expect(line.req).toEqual(expect.objectContaining({ method: 'POST', url: '/api/scim/v2/groups/ids-acme/Users' }));
    expect(typeof line.durationMs).toBe('number');

    const rows = await admin(`/api/v4/groups/${group.id}/scim_requests?request_id=${requestId}`);
    expect(rows.map((r) => [r.method, r.status, r.external_id, r.request_id])).toEqual([['POST', 201, person.externalId, requestId]]);
    const events = await admin(`/api/v4/groups/${group.id}/audit_events?request_id=${requestId}`);
    expect(events.map((e) => e.event_name).sort()).toEqual(['member_added', 'user_provisioned_by_scim']);
    for (const event of events) expect(event.request_id).toBe(requestId);
    console.log(
      `request id ${requestId}: log line ${JSON.stringify({ requestId: line.requestId, route: line.route, scope: line.scope, externalId: line.externalId, status: (line.res as { statusCode: number }).statusCode })}; ` +
        `request-log rows ${JSON.stringify(rows.map((r) => ({ id: r.id, status: r.status, request_id: r.request_id })))}; ` +
        `audit events ${JSON.stringify(events.map((e) => ({ id: e.id, event_name: e.event_name, request_id: e.request_id })))}`,
    );
  });

  it('makes up an id when none (or an unusable one) was sent, and uses it everywhere', async () => {
    for (const sent of [undefined, 'has spaces in it', 'x'.repeat(200)]) {
      const person = oktaUser();
      const headers: Record<string, string> = { Authorization: `Bearer ${group.scimToken}`, 'Content-Type': SCIM_JSON };
      if (sent !== undefined) headers['X-Request-Id'] = sent;
      const response = await fetch(`${group.scimBase}/Users`, { method: 'POST', headers, body: JSON.stringify(person) });
      expect(response.status).toBe(201);
      const id = response.headers.get('x-request-id')!;
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect((await lineFor(id)).externalId).toBe(person.externalId);
      const events = await admin(`/api/v4/groups/${group.id}/audit_events?request_id=${id}`);
      expect(events.map((e) => e.event_name).sort()).toEqual(['member_added', 'user_provisioned_by_scim']);
    }
  });

  it('logs no credential from headers, query strings or bodies, and no body at all', async () => {
    const secrets = {
      bearer: group.scimToken,
      privateToken: ADMIN,
      queryToken: 'query-private-token-9f8e7d6c5b4a',
      queryAccess: 'query-access-token-1a2b3c4d5e6f',
      bodyPassword: 'body-password-5e6f7a8b9c0d',
      bodyToken: 'body-token-0d9c8b7a6f5e',
    };
    const marker = 'redaction-check-7c1d';
    await fetch(`${group.scimBase}/Users?private_token=${secrets.queryToken}&access_token=${secrets.queryAccess}&attributes=userName`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${secrets.bearer}`, 'Content-Type': SCIM_JSON, 'X-Request-Id': marker },
      body: JSON.stringify({ ...oktaUser(), password: secrets.bodyPassword, token: secrets.bodyToken }),
    });
    const adminMarker = `${marker}-admin`;
    await fetch(`${server.url}/api/v4/users?private_token=${secrets.queryToken}`, {
      method: 'POST',
      headers: { 'PRIVATE-TOKEN': secrets.privateToken, 'Content-Type': 'application/json', 'X-Request-Id': adminMarker },
      body: JSON.stringify({ username: 'redacted-person', email: 'redacted@acme.com', name: 'Redacted', password: secrets.bodyPassword }),
    });
    const line = await lineFor(marker);
    await lineFor(adminMarker);
    const log = server.output();
    for (const [what, secret] of Object.entries(secrets)) {
      if (log.includes(secret)) throw new Error(`the log contains ${what}`);
    }
    expect((line.req as { headers: Record<string, string> }).headers.authorization).toBe('[FILTERED]');
    expect((line.req as { url: string }).url).toContain('attributes=userName');
    expect(log).not.toContain('redacted@acme.com'); // bodies are never logged
  });
});
