import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { projectRoot } from '../src/project-root.js';
import { AdminClient } from './admin-setup.js';
import { createBenchDatabase, isPostgresUrl } from './bench-database.js';
import { GroupSyncBenchResult, groupSyncTable, runGroupSyncBench } from './group-sync-bench.js';
import { BIG_GROUP_PATH, bigGroupPerson, SMALL_GROUP_COUNT, smallGroupPath, smallGroupPerson } from './dataset-names.js';
import type { DriverResult } from './load-driver.js';
import { checkTable, DatasetRun, describeMachine, judge, lookupRatioChecks, postgresLookupChecks, ScenarioOutcome, scenarioTable, startupAndMemoryChecks } from './report.js';
import { DriverConfig, SCENARIO_CONNECTIONS, SCENARIO_IDS, ScenarioId, scenarioRequests } from './scenarios.js';
import { seedDataset, SeedGroup } from './seed-dataset.js';
import { killAllChildren, RosterServer, track } from './server-process.js';
import { cpuSpentSince, machineBusySeconds, postgresCpuSeconds } from './cpu-accounting.js';

/**
 * `npm run bench`: quality.md "Performance". The built server runs as `npm start` runs it, on a
 * fresh database seeded in bulk; each scenario's load comes from a separate autocannon process.
 *
 * Environment: BENCH_DATABASE_URL (postgres://… to run on PostgreSQL), BENCH_DURATION (seconds per
 * scenario, 10), BENCH_CONNECTIONS (32), BENCH_MEMBERS (100000), BENCH_SCENARIOS (comma-separated
 * subset; `group_sync` names the group sync scenarios, alone it runs only them), BENCH_SMALL_RUN=0 (skip the 1,000-member comparison), BENCH_CPU_PROF=<dir> (profile the
 * large run's server with --cpu-prof; summarise with dist/bench/cpu-profile-top.js),
 * BENCH_LOG_LEVEL (the server's LOG_LEVEL, info as in production: a log line per request),
 * BENCH_SCIM_RATE_LIMIT (per-token limit and burst, off by default; set it high to measure what the
 * limiter costs without refusing anything).
 */
const root = projectRoot();
const env = process.env;
const durationSeconds = Number(env.BENCH_DURATION ?? 10);
const connections = Number(env.BENCH_CONNECTIONS ?? 32);
const largeMembers = Number(env.BENCH_MEMBERS ?? 100_000);
const smallMembers = 1_000;
const WARMUP_SECONDS = 3;
const postgresUrl = isPostgresUrl(env.BENCH_DATABASE_URL) ? env.BENCH_DATABASE_URL : undefined;
const selected = (env.BENCH_SCENARIOS ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
/** `group_sync`: the group sync scenarios (bench/group-sync-bench.ts), run after the others, or alone. */
const groupSyncSelected = selected.length === 0 || selected.includes('group_sync');
const groupSyncOnly = selected.length > 0 && selected.every((s) => s === 'group_sync');
const unknown = selected.filter((s) => s !== 'group_sync' && !(SCENARIO_IDS as readonly string[]).includes(s));
if (unknown.length > 0) throw new Error(`unknown scenario(s) ${unknown.join(', ')}; known: ${SCENARIO_IDS.join(', ')}`);
const largeScenarios = SCENARIO_IDS.filter((id) => id === 'ceiling' || selected.length === 0 || selected.includes(id));
const SMALL_SCENARIOS: ScenarioId[] = ['ceiling', 'lookup_username', 'lookup_external_id', 'get_by_id'];
const adminToken = `roster_pat_bench_${randomBytes(24).toString('base64url')}`;
const runTag = Date.now().toString(36);

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** Spawns `dist/bench/load-driver.js` with the config and returns its JSON result. */
async function drive(config: DriverConfig): Promise<DriverResult> {
  const child = track(spawn(process.execPath, [join(root, 'dist/bench/load-driver.js'), JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'pipe'] }));
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`load driver for ${config.scenario} exited with ${code}: ${stderr.slice(-2000)}`);
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as DriverResult;
}

/** One request of the scenario before its load, so a missing endpoint is reported, not measured. */
async function probe(config: DriverConfig): Promise<number> {
  const [first] = scenarioRequests({ ...config, runTag: `${config.runTag}-probe` });
  const request = first.setupRequest!({}, {});
  const response = await fetch(`${config.url}${request.path}`, { method: request.method, headers: request.headers, body: request.body as string | undefined });
  await response.arrayBuffer();
  return response.status;
}

/**
 * Fresh database → empty start (timed) → groups, SAML settings and SCIM token through the admin
 * API → stop → bulk seed → start again (timed) → the scenarios → stop. The server is killed and
 * the database dropped whatever happens.
 */
async function runDataset(label: string, members: number, scenarios: ScenarioId[], cpuProfileDir?: string): Promise<DatasetRun> {
  const database = await createBenchDatabase(postgresUrl, label);
  const drop = () => database.drop().catch((error: unknown) => log(`could not drop the database: ${String(error)}`));
  pendingDrops.add(drop);
  const smallSize = Math.max(100, Math.round(members / 100));
  let server: RosterServer | undefined;
  try {
    log(`${label}: ${database.kind} database ready; starting the server on it (empty)`);
    const empty = await RosterServer.start({ root, databaseUrl: database.url, adminToken });
    server = empty.server;
    const admin = new AdminClient(server.url, adminToken);
    const big = await admin.setUpGroup(root, BIG_GROUP_PATH, true);
    const seedGroups: SeedGroup[] = [{ id: big.id, size: members, person: bigGroupPerson, withMismatches: true }];
    for (let n = 1; n <= SMALL_GROUP_COUNT; n++) {
      const group = await admin.setUpGroup(root, smallGroupPath(n), false);
      seedGroups.push({ id: group.id, size: smallSize, person: (i) => smallGroupPerson(n, i), withMismatches: false });
    }
    await server.stop();
    server = undefined;

    log(`${label}: seeding ${members.toLocaleString('en-US')} + ${SMALL_GROUP_COUNT} × ${smallSize.toLocaleString('en-US')} members`);
    const seedStarted = performance.now();
    const seededPeople = await seedDataset(database, seedGroups);
    const seedMs = performance.now() - seedStarted;

    const seeded = await RosterServer.start({ root, databaseUrl: database.url, adminToken, cpuProfileDir });
    server = seeded.server;
    const rssAfterSeedMb = server.rssMb();
    log(`${label}: seeded in ${(seedMs / 1000).toFixed(1)} s; ready again after ${Math.round(seeded.readyMs)} ms`);
    const base: Omit<DriverConfig, 'scenario' | 'durationSeconds'> = {
      url: server.url,
      connections,
      scimToken: big.scimToken!,
      adminToken,
      groupPath: big.path,
      groupId: big.id,
      members,
      patchFrom: Math.floor(members / 2) + 1,
      patchTo: Math.floor(members / 2) + Math.min(10_000, Math.floor(members / 4)),
      runTag: `${runTag}-${label}`,
    };
    // JIT and caches warm before anything is recorded.
    for (const scenario of ['ceiling', 'lookup_username'] as const) await drive({ ...base, scenario, durationSeconds: WARMUP_SECONDS });
    const rssAfterWarmupMb = server.rssMb();

    const outcomes: ScenarioOutcome[] = [];
    for (const id of scenarios) {
      const config: DriverConfig = { ...base, scenario: id, durationSeconds, connections: SCENARIO_CONNECTIONS[id] ?? connections };
      const probeStatus = await probe(config);
      if (probeStatus === 404) {
        log(`${label}: ${id} → 404 before the load; reported as missing`);
        outcomes.push({ id, status: 'missing', probeStatus, verdict: 'miss' });
        continue;
      }
      log(`${label}: ${id} (${durationSeconds} s, ${config.connections} connections; probe answered ${probeStatus})`);
      try {
        const cpuBefore = cpuReadings(server);
        const result = await drive(config);
        const cpu = cpuPerRequest(cpuBefore, cpuReadings(server), result.total);
        outcomes.push({ id, status: 'measured', probeStatus, result, ...cpu, rssAfterMb: server.rssMb(), verdict: '—' });
      } catch (error) {
        outcomes.push({ id, status: 'failed', probeStatus, verdict: 'miss', note: error instanceof Error ? error.message.slice(0, 300) : String(error) });
      }
    }
    judge(outcomes);
    const rssEndMb = server.rssMb();
    await server.stop();
    server = undefined;
    return {
      members,
      smallGroups: { count: SMALL_GROUP_COUNT, members: smallSize },
      seededPeople,
      seedMs,
      readyEmptyMs: empty.readyMs,
      readySeededMs: seeded.readyMs,
      rssAfterSeedMb,
      rssAfterWarmupMb,
      rssEndMb,
      scenarios: outcomes,
    };
  } catch (error) {
    if (server) process.stderr.write(`[bench] server stderr (last lines):\n${server.recentStderr()}\n`);
    throw error;
  } finally {
    server?.kill();
    pendingDrops.delete(drop);
    await drop();
  }
}

interface CpuReadings {
  server: number;
  postgres?: Map<number, number>;
  machine: number;
}

/** PostgreSQL's processes are counted only when the run is on PostgreSQL (and it runs on this machine). */
function cpuReadings(server: RosterServer): CpuReadings {
  return { server: server.cpuSeconds(), postgres: postgresUrl ? postgresCpuSeconds() : undefined, machine: machineBusySeconds() };
}

function cpuPerRequest(before: CpuReadings, after: CpuReadings, requests: number): Pick<ScenarioOutcome, 'serverCpuMsPerRequest' | 'postgresCpuMsPerRequest' | 'machineCpuMsPerRequest'> {
  if (requests === 0) return {};
  const perRequest = (seconds: number) => (seconds * 1000) / requests;
  return {
    serverCpuMsPerRequest: perRequest(after.server - before.server),
    postgresCpuMsPerRequest: before.postgres && after.postgres ? perRequest(cpuSpentSince(before.postgres, after.postgres)) : undefined,
    machineCpuMsPerRequest: perRequest(after.machine - before.machine),
  };
}

async function main(): Promise<void> {
  const started = performance.now();
  const machine = describeMachine();
  const kind = postgresUrl ? 'postgres' : 'sqlite';
  const cpuProfileDir = env.BENCH_CPU_PROF ? resolve(root, env.BENCH_CPU_PROF) : undefined;
  if (cpuProfileDir) mkdirSync(cpuProfileDir, { recursive: true });
  if (groupSyncOnly) return groupSyncMain(started, machine, kind);
  const large = await runDataset('large', largeMembers, largeScenarios, cpuProfileDir);
  const small = env.BENCH_SMALL_RUN === '0' ? undefined : await runDataset('small', smallMembers, SMALL_SCENARIOS);
  const checks = [...startupAndMemoryChecks(large), ...(small ? lookupRatioChecks(large, small) : []), ...(postgresUrl ? postgresLookupChecks(large) : [])];
  const elapsedSeconds = (performance.now() - started) / 1000;
  machine.loadAverage.end = loadavg()[0];

  const heading =
    `Roster benchmark — ${kind} — ${machine.cores} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.date}, ` +
    `load average ${machine.loadAverage.start.toFixed(1)} at start / ${machine.loadAverage.end.toFixed(1)} at end\n` +
    `one group of ${large.members.toLocaleString('en-US')} SCIM-provisioned members (1% identity mismatches) + ${SMALL_GROUP_COUNT} groups of ` +
    `${large.smallGroups.members.toLocaleString('en-US')}; ${durationSeconds} s per scenario, ${connections} connections, autocannon in a separate process`;
  const output = [heading, '', scenarioTable(large.scenarios), ''];
  if (small) output.push(`the same lookups at ${small.members.toLocaleString('en-US')} members:`, '', scenarioTable(small.scenarios), '');
  const groupSync = groupSyncSelected ? await runGroupSync() : undefined;
  if (groupSync) output.push(groupSyncTable(groupSync), '');
  output.push(checkTable(checks), '', `total run time ${elapsedSeconds.toFixed(0)} s`);
  process.stdout.write(`${output.join('\n')}\n`);

  const results = { machine, database: kind, durationSeconds, connections, large, small, checks, elapsedSeconds, groupSync };
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  const json = `${JSON.stringify(results, null, 2)}\n`;
  writeFileSync(join(root, 'bench/results/latest.json'), json);
  writeFileSync(join(root, `bench/results/latest-${kind}.json`), json);
  log(`results written to bench/results/latest.json and bench/results/latest-${kind}.json`);
}

/** The group sync scenarios on a database of their own. */
async function runGroupSync(): Promise<GroupSyncBenchResult> {
  const database = await createBenchDatabase(postgresUrl, 'groupsync');
  const drop = () => database.drop().catch((error: unknown) => log(`could not drop the database: ${String(error)}`));
  pendingDrops.add(drop);
  try {
    return await runGroupSyncBench(root, database, adminToken, largeMembers, log);
  } finally {
    pendingDrops.delete(drop);
    await drop();
  }
}

async function groupSyncMain(started: number, machine: ReturnType<typeof describeMachine>, kind: string): Promise<void> {
  const groupSync = await runGroupSync();
  machine.loadAverage.end = loadavg()[0];
  const heading =
    `Roster group sync benchmark — ${kind} — ${machine.cores} cores (${machine.cpuModel}), Node ${machine.node}, ${machine.date}, ` +
    `load average ${machine.loadAverage.start.toFixed(1)} at start / ${machine.loadAverage.end.toFixed(1)} at end; sequential requests timed by the client`;
  process.stdout.write(`${heading}\n\n${groupSyncTable(groupSync)}\n\ntotal run time ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(join(root, `bench/results/group-sync-${kind}.json`), `${JSON.stringify({ machine, database: kind, groupSync }, null, 2)}\n`);
}

/** Databases of runs in progress, dropped on Ctrl-C too (a PostgreSQL one would otherwise stay). */
const pendingDrops = new Set<() => Promise<void>>();
let interrupted = false;

process.on('exit', killAllChildren);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    interrupted = true;
    log(`${signal}: stopping the server and the load, dropping the database`);
    killAllChildren();
    const timeout = new Promise((resolve) => setTimeout(resolve, 5000));
    void Promise.race([Promise.all([...pendingDrops].map((drop) => drop())), timeout]).finally(() => process.exit(130));
  });
}
main().catch((error: unknown) => {
  // After Ctrl-C the killed server makes the run fail; the signal handler finishes the exit.
  if (interrupted) return;
  process.stderr.write(`[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  killAllChildren();
  process.exit(1);
});
