import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time from /proc, for the columns that say where a scenario's CPU went: Roster's server, the
 * PostgreSQL server beside it, and the whole machine (which also holds the load driver). On a
 * 2-core machine a scenario's rate is capped by what all of them spend per request together.
 */

/** USER_HZ: 100 on every Linux architecture Node runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

/** The fields after the command name of a /proc/<pid>/stat text (the name may hold spaces and parentheses). */
function statFields(stat: string): { command: string; rest: string[] } {
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  return { command: stat.slice(open + 1, close), rest: stat.slice(close + 2).split(' ') };
}

/** utime + stime of one process (all its threads) from its /proc/<pid>/stat text, in seconds. */
function statCpuSeconds(stat: string): number {
  const { rest } = statFields(stat);
  // utime and stime are fields 14 and 15 of the line; rest starts at field 3.
  return (Number(rest[11]) + Number(rest[12])) / CLOCK_TICKS_PER_SECOND;
}

export function processCpuSeconds(pid: number): number {
  return statCpuSeconds(readFileSync(`/proc/${pid}/stat`, 'utf8'));
}

/**
 * CPU seconds used so far by each process named `postgres` on this machine (by pid): the server,
 * its backends and its helpers (WAL writer, checkpointer); undefined when none runs here (a server
 * elsewhere). Compare two readings with cpuSpentSince.
 */
export function postgresCpuSeconds(): Map<number, number> | undefined {
  const seconds = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    if (statFields(stat).command === 'postgres') seconds.set(Number(entry), statCpuSeconds(stat));
  }
  return seconds.size > 0 ? seconds : undefined;
}

/**
 * CPU seconds the processes of `after` spent since `before`: a process started meanwhile counts
 * whole. One that exited meanwhile (a pool's idle connection closing) is not in `after`, and the
 * time it spent in between is lost — a small undercount rather than a subtraction.
 */
export function cpuSpentSince(before: Map<number, number>, after: Map<number, number>): number {
  let spent = 0;
  for (const [pid, seconds] of after) spent += seconds - (before.get(pid) ?? 0);
  return spent;
}

/** Busy CPU seconds of the whole machine so far, every core: all but idle and I/O wait (/proc/stat's first line). */
export function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
  const [, ...ticks] = line.trim().split(/\s+/).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = ticks;
  return (user + nice + system + irq + softirq + (steal ?? 0)) / CLOCK_TICKS_PER_SECOND;
}
