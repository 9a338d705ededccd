// The conditions of a run, written beside its figures: ratios only compare within one machine.
import os from 'node:os';

export interface MachineConditions {
  cpuModel: string;
  cpuCount: number;
  totalMemoryMiB: number;
  freeMemoryMiB: number;
  platform: string;
  nodeVersion: string;
  /** 1, 5 and 15 minute load averages when the run started. */
  loadAverage: number[];
}

/** What the machine looks like right now. */
export function machineConditions(): MachineConditions {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cpuCount: cpus.length,
    totalMemoryMiB: Math.round(os.totalmem() / 2 ** 20),
    freeMemoryMiB: Math.round(os.freemem() / 2 ** 20),
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    nodeVersion: process.version,
    loadAverage: loadAverage(),
  };
}

/** The 1, 5 and 15 minute load averages, rounded to two decimals. */
export function loadAverage(): number[] {
  return os.loadavg().map((l) => Math.round(l * 100) / 100);
}
