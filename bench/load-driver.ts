import autocannon from 'autocannon';
import { DriverConfig, scenarioRequests } from './scenarios.js';

/** The result a driver prints (one JSON line) for the benchmark to read. */
export interface DriverResult {
  requestsPerSecond: number;
  total: number;
  p50: number;
  p99: number;
  mean: number;
  max: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodes: Record<string, number>;
}

/**
 * One scenario's load, in its own process so the load generator never shares an event loop (or a
 * CPU's worth of JIT and GC) with the benchmark's bookkeeping. Usage: load-driver.js '<DriverConfig JSON>'.
 */
async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '') as DriverConfig;
  const result = await autocannon({
    url: config.url,
    connections: config.connections,
    duration: config.durationSeconds,
    timeout: 30,
    requests: scenarioRequests(config),
  });
  const output: DriverResult = {
    requestsPerSecond: result.requests.average,
    total: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    mean: result.latency.mean,
    max: result.latency.max,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, Number(s.count)])),
  };
  process.stdout.write(`${JSON.stringify(output)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
