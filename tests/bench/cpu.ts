import { readdirSync, readFileSync } from 'node:fs';

/**
 * Whole-machine busy CPU time from /proc/stat (Linux), in microseconds summed
 * over all cores; undefined elsewhere. With the server child's and the load
 * generator's own CPU subtracted, what is left is mostly PostgreSQL.
 */
export function machineBusyUs(): number | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal guest guest_nice
    const busy = (f[0] ?? 0) + (f[1] ?? 0) + (f[2] ?? 0) + (f[5] ?? 0) + (f[6] ?? 0) + (f[7] ?? 0);
    const ticksPerSecond = 100; // USER_HZ on every mainstream Linux build
    return (busy / ticksPerSecond) * 1e6;
  } catch {
    return undefined;
  }
}

/** This process's CPU (user + system) in microseconds. */
export function selfCpuUs(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/**
 * CPU time of the PostgreSQL backends serving `database` (Linux: processes whose
 * title is "postgres: … <user> <database> <host>(<port>) …"), in microseconds.
 * The pools keep their connections for the whole run, so window deltas are
 * PostgreSQL's work for that window. Shared background processes (WAL writer,
 * checkpointer) are not included. undefined where /proc is missing.
 */
export function pgBackendsCpuUs(database: string): number | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  let ticks = 0;
  const needle = ` ${database} `;
  for (const pid of entries) {
    if (/^\d+$/.exec(pid) === null) continue; // a process directory, not self/net/…
    try {
      const title = readFileSync(`/proc/${pid}/cmdline`, 'latin1');
      if (!title.startsWith('postgres:') || !title.includes(needle)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // the process went away between readdir and read
    }
  }
  return (ticks / 100) * 1e6;
}
