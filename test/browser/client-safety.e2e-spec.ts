import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { projectRoot } from '../../src/project-root.js';
import { startTestApp, TestApp } from '../support/test-app.js';

/**
 * Static guarantees of the admin UI that hold without a browser: untrusted text can only become
 * text (no HTML-parsing sinks anywhere in the client), nothing inline that the CSP would have to
 * allow, nothing loaded from another origin (the machine may be offline).
 */
const clientDir = join(projectRoot(), 'client');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

const sources = files(clientDir).map((path) => ({ path: relative(clientDir, path), text: readFileSync(path, 'utf8') }));
const scripts = sources.filter((f) => f.path.endsWith('.js'));

describe('the admin UI’s client code', () => {
  it('has no HTML-parsing or code-evaluating sinks', () => {
    const sinks = /\binnerHTML\b|\bouterHTML\b|insertAdjacentHTML|document\.write|\beval\s*\(|new Function\s*\(|setTimeout\s*\(\s*['"`]|createContextualFragment|DOMParser/;
    expect(scripts.length).toBeGreaterThan(10);
    expect(scripts.filter((f) => sinks.test(f.text)).map((f) => f.path)).toEqual([]);
  });

  it('sets no inline styles or event-handler attributes', () => {
    const inline = /setAttribute\(\s*['"](style|on[a-z]+)['"]/;
    expect(scripts.filter((f) => inline.test(f.text)).map((f) => f.path)).toEqual([]);
    const html = sources.filter((f) => f.path.endsWith('.html'));
    for (const page of html) {
      expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(page.text).not.toMatch(/\sstyle=|<style\b/);
      expect(page.text).not.toMatch(/\son[a-z]+=/);
    }
  });

  it('loads nothing from another origin', () => {
    const remote = /(src|href)=["']https?:|url\(\s*['"]?https?:|@import\s+['"]?https?:|from\s+['"]https?:|import\(\s*['"]https?:/;
    expect(sources.filter((f) => remote.test(f.text)).map((f) => f.path)).toEqual([]);
  });
});

describe('the UI as served', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  it('is served at / under a CSP without unsafe-inline or unsafe-eval', async () => {
    const res = await t.http().get('/').expect(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    const csp = res.headers['content-security-policy'] as string;
    expect(csp).toMatch(/script-src 'self'/);
    expect(csp).toMatch(/style-src 'self'/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    await t
      .http()
      .get('/js/main.js')
      .expect(200)
      .expect('Content-Type', /javascript/);
    await t.http().get('/css/base.css').expect(200).expect('Content-Type', /css/);
  });
});
