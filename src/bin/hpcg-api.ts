#!/usr/bin/env node
/** `hpcg-api`: the gateway's API process (src/main.ts). */
import { runBundle } from '../startup/run-bundle';

runBundle('hpcg-api', { storeAfterMs: 10_000 });
