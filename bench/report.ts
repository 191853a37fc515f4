import { cpus, loadavg, totalmem } from 'node:os';
import type { DriverResult } from './load-driver.js';
import { SCENARIO_CONNECTIONS, ScenarioId, TARGETS } from './scenarios.js';

export interface ScenarioOutcome {
  id: ScenarioId;
  /** 'missing' when the endpoint answered 404 before the load (not implemented yet). */
  status: 'measured' | 'missing' | 'failed';
  probeStatus?: number;
  result?: DriverResult;
  /** Server CPU time (user + system) per completed request during the load, in ms. */
  serverCpuMsPerRequest?: number;
  /** The same for every `postgres` process on the machine (PostgreSQL runs only). */
  postgresCpuMsPerRequest?: number;
  /** Busy CPU time of the whole machine per completed request: Roster, the database and the load driver. */
  machineCpuMsPerRequest?: number;
  /** Server resident memory right after this scenario, in MB (where memory grows). */
  rssAfterMb?: number;
  ratioToCeiling?: number;
  verdict: 'pass' | 'miss' | '—';
  note?: string;
}

export interface DatasetRun {
  members: number;
  smallGroups: { count: number; members: number };
  seededPeople: number;
  seedMs: number;
  readyEmptyMs: number;
  readySeededMs: number;
  rssAfterSeedMb: number;
  rssAfterWarmupMb: number;
  rssEndMb: number;
  scenarios: ScenarioOutcome[];
}

export interface Check {
  name: string;
  value: string;
  target: string;
  verdict: 'pass' | 'miss' | '—';
}

export interface Machine {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  platform: string;
  date: string;
  /** 1-minute load average when the run started and ended: other work on the machine skews results. */
  loadAverage: { start: number; end?: number };
}

export function describeMachine(): Machine {
  const cpu = cpus();
  return {
    cores: cpu.length,
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    date: new Date().toISOString(),
    loadAverage: { start: loadavg()[0] },
  };
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const fixed = (n: number, digits = 2) => n.toFixed(digits);

/** Fills in ratio to ceiling and pass/miss; a run with any non-2xx answer or error is a miss. */
export function judge(outcomes: ScenarioOutcome[]): void {
  const ceiling = outcomes.find((o) => o.id === 'ceiling')?.result?.requestsPerSecond;
  for (const outcome of outcomes) {
    const r = outcome.result;
    if (!r) continue;
    if (ceiling) outcome.ratioToCeiling = r.requestsPerSecond / ceiling;
    const target = TARGETS[outcome.id];
    const failures = r.non2xx + r.errors + r.timeouts;
    if (failures > 0) {
      const codes = Object.entries(r.statusCodes)
        .filter(([code]) => !code.startsWith('2'))
        .map(([code, n]) => `${n}×${code}`);
      outcome.note = `${int(failures)} failed (${[...codes, r.errors ? `${r.errors} errors` : '', r.timeouts ? `${r.timeouts} timeouts` : ''].filter(Boolean).join(', ')})`;
    }
    if (!target.met) outcome.verdict = failures > 0 ? 'miss' : '—';
    else outcome.verdict = failures === 0 && ceiling !== undefined && target.met(r, ceiling) ? 'pass' : 'miss';
  }
}

function table(header: string[], rows: string[][], rightAligned: Set<number>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function scenarioTable(outcomes: ScenarioOutcome[]): string {
  const rows = outcomes.map((o) => {
    const r = o.result;
    const verdict = o.status === 'missing' ? `missing (${o.probeStatus})` : o.status === 'failed' ? 'failed' : o.verdict;
    const own = SCENARIO_CONNECTIONS[o.id];
    return [
      own === undefined ? o.id : `${o.id} (${own} conn.)`,
      r ? int(r.requestsPerSecond) : '—',
      r ? String(r.p50) : '—',
      r ? String(r.p99) : '—',
      o.serverCpuMsPerRequest !== undefined ? fixed(o.serverCpuMsPerRequest) : '—',
      o.postgresCpuMsPerRequest !== undefined ? fixed(o.postgresCpuMsPerRequest) : '—',
      o.machineCpuMsPerRequest !== undefined ? fixed(o.machineCpuMsPerRequest) : '—',
      o.rssAfterMb !== undefined ? int(o.rssAfterMb) : '—',
      o.ratioToCeiling !== undefined ? fixed(o.ratioToCeiling) : '—',
      TARGETS[o.id].text,
      o.note ? `${verdict}: ${o.note}` : verdict,
    ];
  });
  const header = ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'server CPU ms/req', 'PostgreSQL CPU ms/req', 'machine CPU ms/req', 'RSS after MB', '× ceiling', 'target', 'result'];
  return table(header, rows, new Set([1, 2, 3, 4, 5, 6, 7, 8]));
}

export function checkTable(checks: Check[]): string {
  return table(
    ['measure', 'value', 'target', 'result'],
    checks.map((c) => [c.name, c.value, c.target, c.verdict]),
    new Set([1]),
  );
}

export function startupAndMemoryChecks(run: DatasetRun): Check[] {
  const growth = run.rssEndMb / run.rssAfterSeedMb;
  const size = int(run.members);
  return [
    { name: 'start to ready, empty database', value: `${int(run.readyEmptyMs)} ms`, target: '≤ 3,000 ms', verdict: run.readyEmptyMs <= 3000 ? 'pass' : 'miss' },
    { name: `start to ready, ${size} members`, value: `${int(run.readySeededMs)} ms`, target: '≤ 5,000 ms', verdict: run.readySeededMs <= 5000 ? 'pass' : 'miss' },
    { name: `bulk seeding, ${int(run.seededPeople)} people`, value: `${fixed(run.seedMs / 1000, 1)} s`, target: '< 60 s', verdict: run.seedMs < 60_000 ? 'pass' : 'miss' },
    { name: 'server RSS after seeding (at ready)', value: `${int(run.rssAfterSeedMb)} MB`, target: '≤ 300 MB', verdict: run.rssAfterSeedMb <= 300 ? 'pass' : 'miss' },
    { name: 'server RSS after warm-up', value: `${int(run.rssAfterWarmupMb)} MB`, target: '(informative)', verdict: '—' },
    { name: 'server RSS after all scenarios', value: `${int(run.rssEndMb)} MB`, target: '≤ 300 MB', verdict: run.rssEndMb <= 300 ? 'pass' : 'miss' },
    { name: 'RSS growth, end / after seeding', value: `${fixed(growth)}×`, target: '≤ 1.2×', verdict: growth <= 1.2 ? 'pass' : 'miss' },
    {
      name: 'RSS growth, end / after warm-up',
      value: `${fixed(run.rssEndMb / run.rssAfterWarmupMb)}×`,
      target: '(informative)',
      verdict: '—',
    },
  ];
}

/**
 * quality.md, PostgreSQL only: `userName eq` (identity, platform username and email) at least 0.9 ×
 * GET by id of the same run, in requests per second.
 */
export function postgresLookupChecks(large: DatasetRun): Check[] {
  const lookup = large.scenarios.find((o) => o.id === 'lookup_username')?.result;
  const get = large.scenarios.find((o) => o.id === 'get_by_id')?.result;
  if (!lookup || !get) return [];
  const ratio = lookup.requestsPerSecond / get.requestsPerSecond;
  return [
    {
      name: 'lookup_username / get_by_id, requests/s',
      value: `${int(lookup.requestsPerSecond)} / ${int(get.requestsPerSecond)} = ${fixed(ratio)}`,
      target: '≥ 0.9 (PostgreSQL)',
      verdict: ratio >= 0.9 ? 'pass' : 'miss',
    },
  ];
}

/** lookup_username at the large size over the small size: mean latency (autocannon's p50 is whole ms). */
export function lookupRatioChecks(large: DatasetRun, small: DatasetRun): Check[] {
  const checks: Check[] = [];
  for (const id of ['lookup_username', 'lookup_external_id', 'get_by_id'] as const) {
    const a = large.scenarios.find((o) => o.id === id)?.result;
    const b = small.scenarios.find((o) => o.id === id)?.result;
    if (!a || !b) continue;
    const ratio = a.mean / b.mean;
    const decisive = id === 'lookup_username';
    checks.push({
      name: `${id} mean latency ${int(large.members)} / ${int(small.members)}`,
      value: `${fixed(a.mean)} / ${fixed(b.mean)} ms = ${fixed(ratio)}`,
      target: decisive ? '≤ 1.5' : '(informative)',
      verdict: decisive ? (ratio <= 1.5 ? 'pass' : 'miss') : '—',
    });
  }
  return checks;
}
