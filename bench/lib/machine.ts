// Describes the machine a benchmark ran on, so recorded figures can be compared honestly.
import os from 'node:os';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
  hostname: string;
  /** 1/5/15-minute load average when the record was written: how busy the machine was. */
  loadAverage: number[];
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    hostname: os.hostname(),
    loadAverage: os.loadavg().map((load) => Math.round(load * 100) / 100),
  };
}
