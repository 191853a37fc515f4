import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../src/project-root.js';

/**
 * `npm start`'s prestart compiles only when something it compiles changed. Run on a copy of the
 * script in a scratch checkout whose "tsc" records each call, so the real build is never touched.
 */
describe('prestart: build only when the sources changed', () => {
  let root: string;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'roster-prestart-'));
    mkdirSync(join(root, 'scripts'));
    copyFileSync(join(projectRoot(), 'scripts', 'build-if-stale.js'), join(root, 'scripts', 'build-if-stale.js'));
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'src', 'main.ts'), 'export {};\n');
    writeFileSync(join(root, 'src', 'extra.ts'), 'export {};\n');
    writeFileSync(join(root, 'tsconfig.build.json'), '{}\n');
    writeFileSync(join(root, 'package.json'), '{"type":"module"}\n');
    mkdirSync(join(root, 'node_modules', 'typescript', 'bin'), { recursive: true });
    writeFileSync(
      join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
      `const fs = require('fs'); const path = require('path');
       const root = ${JSON.stringify(root)};
       fs.mkdirSync(path.join(root, 'dist', 'src'), { recursive: true });
       fs.writeFileSync(path.join(root, 'dist', 'src', 'main.js'), '');
       fs.appendFileSync(path.join(root, 'tsc-calls'), 'x');`,
    );
    writeFileSync(join(root, 'node_modules', 'typescript', 'package.json'), '{"type":"commonjs"}\n');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const run = () => spawnSync(process.execPath, [join(root, 'scripts', 'build-if-stale.js')], { encoding: 'utf8', env: { PATH: process.env.PATH } });
  const compiles = () => (existsSync(join(root, 'tsc-calls')) ? readFileSync(join(root, 'tsc-calls'), 'utf8').length : 0);
  // Timestamps a little in the past, so "changed after the build" is not decided within one clock tick.
  const age = (path: string, secondsAgo: number) => utimesSync(path, new Date(Date.now() - secondsAgo * 1000), new Date(Date.now() - secondsAgo * 1000));

  it('compiles the first time, says so, and then not again until a source changes or goes away', () => {
    for (const path of ['src/main.ts', 'src/extra.ts', 'src', 'tsconfig.build.json', 'package.json']) age(join(root, path), 60);
    const first = run();
    expect(first.status).toBe(0);
    expect(first.stderr).toContain('Roster is not built yet: compiling the TypeScript');
    expect(compiles()).toBe(1);

    const second = run();
    expect([second.status, second.stderr, second.stdout]).toEqual([0, '', '']);
    expect(compiles()).toBe(1);

    writeFileSync(join(root, 'src', 'main.ts'), 'export const changed = 1;\n');
    const third = run();
    expect(third.stderr).toContain('Sources changed since the last build');
    expect(compiles()).toBe(2);
    expect(run().stderr).toBe('');

    rmSync(join(root, 'src', 'extra.ts'));
    expect(run().stderr).toContain('Sources changed since the last build');
    expect(compiles()).toBe(3);
    expect(run().stderr).toBe('');
    expect(compiles()).toBe(3);
  });
});
