#!/usr/bin/env node
/** `hpcg`: Slurm's user commands against the gateway (src/cli/main.ts). */
import { runBundle } from '../startup/run-bundle';

/**
 * The commands run in loops keep a code cache each: a cache holds the functions compiled by the run that
 * wrote it, so one written by `hpcg --version` would leave squeue's code to be compiled on every call.
 */
const CACHED_APART = ['sbatch', 'squeue', 'scancel', 'sacct', 'sinfo', 'scontrol'];
const command = process.argv[2];

runBundle('hpcg', { cacheName: command !== undefined && CACHED_APART.includes(command) ? `hpcg.${command}` : 'hpcg' });
