/**
 * Client test: each command, with the gateway gone, says what Slurm 22.05's says with its controller
 * gone (test/slurm/recorded/unreachable/connect-refused/), exits as it does, then names the gateway.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from './program';
import { memoryIo, testContext } from '../../test/cli/memory-io';

const RECORDED = join(__dirname, '..', '..', 'test', 'slurm', 'recorded', 'unreachable', 'connect-refused');
const recorded = (name: string) => readFileSync(join(RECORDED, `${name}.stderr`), 'utf8');

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('client test: the gateway cannot be reached', () => {
  let closedUrl: string;
  let errorPage: Server;
  let errorPageUrl: string;
  beforeAll(async () => {
    const probe = createServer();
    closedUrl = await listen(probe);
    await new Promise((resolve) => probe.close(resolve));
    // What a front proxy answers while the gateway behind it is down.
    errorPage = createServer((req, res) => res.writeHead(500, { 'content-type': 'text/html' }).end('<h1>Internal Server Error</h1>'));
    errorPageUrl = await listen(errorPage);
  });
  afterAll(() => new Promise((resolve) => errorPage.close(resolve)));

  const run = async (argv: string[], url: string, stdinText?: string) => {
    const io = memoryIo(stdinText === undefined ? {} : { stdinText });
    const code = await runCli(argv, testContext(io, { url }));
    const [slurm, ...rest] = io.stderrText().split(/(?=^hpcg: )/m);
    return { code, slurm, rest: rest.join(''), stdout: io.stdoutText() };
  };

  it.each([
    ['squeue', ['squeue'], 1],
    ['squeue-job', ['squeue', '-h', '-j', '1', '-o', '%T %N'], 1],
    ['scancel', ['scancel', '1'], 8],
    ['sinfo', ['sinfo'], 1],
    ['scontrol-show-job', ['scontrol', 'show', 'job', '1'], 1],
    ['scontrol-hold', ['scontrol', 'hold', '1'], 1],
    ['scontrol-release', ['scontrol', 'release', '1'], 1],
  ])('%s: Slurm\'s words and exit code, then the gateway and the socket error', async (name, argv, exitCode) => {
    const r = await run(argv as string[], closedUrl);
    expect(r).toMatchObject({ code: exitCode, slurm: recorded(name), stdout: '' });
    expect(r.rest).toMatch(new RegExp(`^hpcg: cannot reach the gateway at ${closedUrl}: .*ECONNREFUSED.*\\n$`));
  });

  it('sacct names the gateway where Slurm names slurmdbd', async () => {
    const r = await run(['sacct'], closedUrl);
    const expected = recorded('sacct').replace(/host:\S+:/, `host:${closedUrl.replace('http://', '')}:`);
    expect(r).toMatchObject({ code: 1, slurm: expected });
  });

  it('sbatch: "Batch job submission failed", also when a proxy answers with an error page', async () => {
    const r = await run(['sbatch', '--parsable'], errorPageUrl, '#!/bin/sh\ntrue\n');
    expect(r).toMatchObject({ code: 1, slurm: recorded('sbatch'), stdout: '' });
    expect(r.rest).toBe(`hpcg: cannot reach the gateway at ${errorPageUrl}: HTTP 500 Internal Server Error\n`);
  });

  it('scancel of several jobs: one line each, exit code the largest (as scancel does)', async () => {
    const r = await run(['scancel', '4', '5'], closedUrl);
    expect(r.code).toBe(8);
    expect(r.slurm).toBe(recorded('scancel').replace('job id 1', 'job id 4'));
    expect(r.rest).toMatch(/^hpcg: .*\nscancel: error: Kill job error on job id 5: Unable to contact slurm controller \(connect failure\)\nhpcg: /);
  });
});
