// CPU accounting of a measurement (Linux /proc; null elsewhere): how much CPU the server, the
// database and the load generator used, and how busy the rest of the machine was meanwhile.
// Throughput ratios suffer when other work shares the machine; CPU time per request much less.
import { readdirSync, readFileSync } from 'node:fs';

// Clock ticks per second of /proc (USER_HZ): 100 on every mainstream Linux build.
const TICK_MS = 10;

export interface CpuSnapshot {
  at: number;
  /** Busy CPU time of the whole machine (all cores), ms. */
  machineBusyMs: number;
  /** CPU time of the server process under load, ms. */
  serverMs: number;
  /** CPU time of each PostgreSQL backend serving the bench database, by pid, ms. */
  database: Map<number, number>;
  /** CPU time of this process (the load generator), ms. */
  loadGeneratorMs: number;
}

export interface CpuUsage {
  serverMs: number;
  databaseMs: number;
  loadGeneratorMs: number;
  /** Busy time of everything else on the machine (other servers, other users' work), ms. */
  otherMs: number;
  /** otherMs as a share of all cores over the measurement, %. */
  otherPercent: number;
  /** Share of all cores busy during the measurement, %. */
  machineBusyPercent: number;
}

/** utime + stime of a process in ms, from the text of /proc/<pid>/stat. */
export function processCpuMsOf(stat: string): number {
  // The command name may hold spaces and parentheses: fields are counted after its last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/** Busy time (all cores) in ms, from the first line of /proc/stat. */
export function machineBusyMsOf(procStat: string): number {
  const [, user, nice, system, , , irq, softirq, steal] = (procStat.split('\n')[0] ?? '').trim().split(/\s+/).map(Number);
  return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) * TICK_MS;
}

function readProcessCpuMs(pid: number): number {
  try {
    return processCpuMsOf(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return 0;
  }
}

// Backends name their database in their title: "postgres: <user> <database> <client> <state>".
function backendPidsOf(database: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue;
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').split(' ').includes(database)) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

/** True when /proc can be read (Linux). */
export function cpuAccountingAvailable(): boolean {
  try {
    readFileSync('/proc/stat', 'utf8');
    return true;
  } catch {
    return false;
  }
}

/** Snapshot of the CPU counters: the server process, and the backends of a local PostgreSQL database if named. */
export function snapshotCpu(serverPid: number, database: string | null): CpuSnapshot {
  const usage = process.cpuUsage();
  return {
    at: Date.now(),
    machineBusyMs: machineBusyMsOf(readFileSync('/proc/stat', 'utf8')),
    serverMs: readProcessCpuMs(serverPid),
    database: new Map((database ? backendPidsOf(database) : []).map((pid) => [pid, readProcessCpuMs(pid)])),
    loadGeneratorMs: (usage.user + usage.system) / 1000,
  };
}

/** CPU used between two snapshots over cpuCount cores. */
export function cpuUsageBetween(before: CpuSnapshot, after: CpuSnapshot, cpuCount: number): CpuUsage {
  let databaseMs = 0;
  // A database process born during the measurement started from zero.
  for (const [pid, ms] of after.database) databaseMs += ms - (before.database.get(pid) ?? 0);
  const serverMs = after.serverMs - before.serverMs;
  const loadGeneratorMs = after.loadGeneratorMs - before.loadGeneratorMs;
  const machineBusyMs = after.machineBusyMs - before.machineBusyMs;
  const capacityMs = (after.at - before.at) * cpuCount;
  const otherMs = Math.max(0, Math.round(machineBusyMs - serverMs - databaseMs - loadGeneratorMs));
  const percent = (ms: number) => (capacityMs > 0 ? Math.round((ms / capacityMs) * 1000) / 10 : 0);
  return {
    serverMs,
    databaseMs,
    loadGeneratorMs: Math.round(loadGeneratorMs),
    otherMs,
    otherPercent: percent(otherMs),
    machineBusyPercent: percent(machineBusyMs),
  };
}
