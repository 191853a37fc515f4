// `npm start` (and `npm run cli`) run this first: it compiles the TypeScript only when a source or
// build setting changed since the last successful build, so starting a built checkout takes about
// a second instead of a full compile, and it says so when it does compile.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'dist', '.build-stamp');
const inputs = ['src', 'ormconfig.ts', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json'];

/** The newest modification time under `path` (directories count too: a deleted file changes its directory). */
function newest(path) {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let latest = stats.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

const sources = Math.max(
  ...inputs
    .map((input) => join(root, input))
    .filter((path) => existsSync(path))
    .map(newest),
);
const hasOutput = existsSync(join(root, 'dist', 'src', 'main.js'));
const built = existsSync(stamp) && hasOutput ? statSync(stamp).mtimeMs : -1;
if (built >= sources && process.env.ROSTER_FORCE_BUILD !== '1') process.exit(0);

process.stderr.write(
  hasOutput ? 'Sources changed since the last build (or it did not finish): compiling the TypeScript (about 30 s)…\n' : 'Roster is not built yet: compiling the TypeScript (about 30 s, once)…\n',
);
// The stamp gets the time the build started: a file saved during the compile triggers the next one.
const started = new Date();
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (result.status !== 0) process.exit(result.status ?? 1);
mkdirSync(dirname(stamp), { recursive: true });
writeFileSync(stamp, `${started.toISOString()}\n`);
utimesSync(stamp, started, started);
