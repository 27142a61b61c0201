import { readdirSync } from 'node:fs';
import { readProcStat } from '../../src/engines/local/runtime/process-stamp';

/** Live (non-zombie) processes whose process group is `pgid`: what a cancelled job must not leave behind. */
export function liveProcessesInGroup(pgid: number): number[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .map(Number)
    .filter((pid) => {
      const stat = readProcStat(pid);
      return stat !== null && stat.pgrp === pgid && stat.state !== 'Z' && stat.state !== 'X';
    });
}

export function isRunning(pid: number): boolean {
  const stat = readProcStat(pid);
  return stat !== null && stat.state !== 'Z' && stat.state !== 'X';
}
