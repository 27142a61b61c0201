import { chmodSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EngineUnavailableError } from '../engine-errors';
import { engineJob } from '../../../test/local-engine/job-fixtures';
import { finalStatus } from '../../../test/local-engine/job-status';
import { Scratch } from '../../../test/local-engine/state-dir';
import { describeAsRoot } from '../../../test/support/describe-as-root';
import { ownedDir } from '../../../test/support/test-accounts';

jest.setTimeout(60_000);

const scratch = new Scratch();
const workdir = ownedDir(scratch.path('work'));
afterAll(() => scratch.cleanup());

const DATABASE_A = '11111111-1111-4111-8111-111111111111';
const DATABASE_B = '22222222-2222-4222-8222-222222222222';

describe('local engine: the state directory belongs to one gateway database', () => {
  const stateDir = scratch.path('state-bound');

  it('a new directory is adopted: it records the database id and runs its jobs', async () => {
    const engine = scratch.engine({ stateDir, databaseId: DATABASE_A });
    await engine.start();
    expect(readFileSync(join(stateDir, 'database-id'), 'utf8')).toBe(`${DATABASE_A}\n`);
    await engine.submit(engineJob(701, workdir, { script: '#!/bin/bash\necho A\n' }));
    expect((await finalStatus(engine, 701))[0]).toMatchObject({ state: 'COMPLETED', exitCode: 0 });
    await engine.stop();
  });

  it('another database is refused, naming both ids, the directory and what to do; its jobs are neither reported nor replaced', async () => {
    const other = scratch.engine({ stateDir, databaseId: DATABASE_B });
    const refusal = await other.start().then(
      () => null,
      (e: Error) => e,
    );
    expect(refusal).toBeInstanceOf(EngineUnavailableError);
    expect(refusal?.message).toBe(
      `state directory ${stateDir} is not usable: it belongs to another gateway database (id ${DATABASE_A}, recorded in ${stateDir}/database-id), ` +
        `not to this gateway's (id ${DATABASE_B}); its jobs are not this database's jobs. Point the engine's stateDir (or HPCG_STATE_DIR) at another directory, ` +
        `or remove ${stateDir} if nothing in it is needed any more`,
    );
    expect(other.isExecutor).toBe(false);
    // The API side: a submission waits (UNAVAILABLE) instead of being answered from job 701's folder; no sync either.
    await expect(other.submit(engineJob(701, workdir))).rejects.toThrow(`belongs to another gateway database (id ${DATABASE_A}`);
    await expect(other.syncAll([{ jobId: 701, ref: '701', openTasks: [] }])).rejects.toThrow(EngineUnavailableError);
    await expect(other.cancel('701', 701, null)).rejects.toThrow(EngineUnavailableError);
    expect(readFileSync(join(stateDir, 'database-id'), 'utf8')).toBe(`${DATABASE_A}\n`);
  });

  it('a directory from before ids were recorded is adopted, with a warning that counts its jobs', async () => {
    const legacy = scratch.path('state-legacy');
    mkdirSync(join(legacy, '5'), { recursive: true });
    const engine = scratch.engine({ stateDir: legacy, databaseId: DATABASE_B });
    await engine.start();
    expect(readFileSync(join(legacy, 'database-id'), 'utf8')).toBe(`${DATABASE_B}\n`);
    const warning = scratch.logs.find((l) => l.msg === 'local state directory from before database ids were recorded; adopted for this database');
    expect(warning?.o).toMatchObject({ stateDir: legacy, jobs: 1 });
    await engine.stop();
  });
});

describeAsRoot('local engine: a state directory its job owners cannot reach', 'only a root worker runs jobs as other users', () => {
  it('is refused at start, naming the folder that blocks and the mode it needs; once opened, it starts', async () => {
    const closed = scratch.path('closed');
    mkdirSync(closed, { mode: 0o700 });
    chmodSync(closed, 0o700);
    const stateDir = join(closed, 'state');
    const engine = scratch.engine({ stateDir });
    await expect(engine.start()).rejects.toThrow(
      `state directory ${stateDir} is not usable: ${closed} (mode 0700) is not searchable by other users, so jobs running as their owners cannot reach their scripts in it; ` +
        `it needs the x bit for others (chmod o+x ${closed}), or point the engine's stateDir (or HPCG_STATE_DIR) at a directory outside it`,
    );
    expect(engine.isExecutor).toBe(false);

    chmodSync(closed, 0o711);
    await engine.start();
    await engine.submit(engineJob(702, workdir, { script: '#!/bin/bash\necho reached\n' }));
    expect((await finalStatus(engine, 702))[0]).toMatchObject({ state: 'COMPLETED', exitCode: 0 });
    await engine.stop();
  });
});
