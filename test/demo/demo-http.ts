/** A small fetch client for seeding a running Roster through its real HTTP APIs. */
export interface HttpAnswer {
  status: number;
  /** Parsed JSON, or the text of an HTML page. */
  body: any;
  headers: Headers;
}

export class DemoHttp {
  constructor(readonly origin: string) {}

  async send(method: string, path: string, options: { token?: string; body?: unknown; contentType?: string; form?: URLSearchParams; cookie?: string } = {}): Promise<HttpAnswer> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (options.token) headers.Authorization = `Bearer ${options.token}`;
    if (options.cookie) headers.Cookie = options.cookie;
    let body: string | undefined;
    if (options.form) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      body = options.form.toString();
    } else if (options.body !== undefined) {
      headers['Content-Type'] = options.contentType ?? 'application/json';
      body = JSON.stringify(options.body);
    }
    const response = await fetch(`${this.origin}${path}`, { method, headers, body, redirect: 'manual' });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // HTML pages (SAML) stay text.
    }
    return { status: response.status, body: parsed, headers: response.headers };
  }

  /** Like send(), but an unexpected status stops the seeding with a message that says where. */
  async expect(status: number | number[], method: string, path: string, options: Parameters<DemoHttp['send']>[2] = {}): Promise<HttpAnswer> {
    const answer = await this.send(method, path, options);
    const allowed = Array.isArray(status) ? status : [status];
    if (!allowed.includes(answer.status)) {
      const detail = typeof answer.body === 'string' ? answer.body.slice(0, 300) : JSON.stringify(answer.body).slice(0, 300);
      throw new Error(`${method} ${path} answered ${answer.status}, expected ${allowed.join(' or ')}: ${detail}`);
    }
    return answer;
  }
}
