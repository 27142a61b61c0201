#!/usr/bin/env node
/** `hpcg-worker`: the gateway's worker process (src/worker.ts). */
import { runBundle } from '../startup/run-bundle';

runBundle('hpcg-worker', { storeAfterMs: 10_000 });
