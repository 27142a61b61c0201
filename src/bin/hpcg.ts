#!/usr/bin/env node
/** `hpcg`: Slurm's user commands against the gateway (src/cli/main.ts). */
import { runBundle } from '../startup/run-bundle';

runBundle('hpcg');
