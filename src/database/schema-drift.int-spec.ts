import type { AppConfig } from '../config/load-config';
import { TokensRepository } from '../auth/tokens.repository';
import { type AttemptCheck, JobsRepository } from '../jobs/jobs.repository';
import { UsersRepository } from '../users/users.repository';
import { LimitsRepository } from '../limits/limits.repository';
import { NotebooksRepository } from '../notebooks/notebooks.repository';
import { EngineCapacityRepository } from '../partitions/engine-capacity.repository';
import { createTestDatabase } from '../../test/support/test-database';
import { DatabaseIdentityRepository } from './database-identity.repository';
import { migrate } from './migrator';
import { PrismaService } from './prisma.service';

/**
 * Every model written and read back through the repositories against a database built by the SQL
 * migrations: a Prisma schema that drifted from the migrations fails here.
 */
describe('schema and migrations agree', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let prisma: PrismaService;

  beforeAll(async () => {
    db = await createTestDatabase();
    prisma = new PrismaService({ databaseUrl: db.url } as AppConfig);
  });
  afterAll(async () => {
    await prisma.$disconnect();
    await db.drop();
  });

  it('migrating again applies nothing and keeps Prisma\'s migration table', async () => {
    const again = await migrate(db.url);
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied.length).toBeGreaterThan(0);
    const rows = await prisma.$queryRaw<{ migration_name: string; checksum: string }[]>`SELECT migration_name, checksum FROM "_prisma_migrations"`;
    expect(rows.map((r) => r.migration_name)).toEqual(again.alreadyApplied);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.checksum))).toBe(true);
  });

  it('reads the id the database drew at creation: a UUID, the same on every read, another for another database', async () => {
    const id = await new DatabaseIdentityRepository(prisma).id();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(await new DatabaseIdentityRepository(prisma).id()).toBe(id);
    // One row only: a second one is refused by the table itself.
    await expect(prisma.$executeRaw`INSERT INTO "database_identity" DEFAULT VALUES`).rejects.toThrow();
    const other = await createTestDatabase();
    const otherPrisma = new PrismaService({ databaseUrl: other.url } as AppConfig);
    try {
      expect(await new DatabaseIdentityRepository(otherPrisma).id()).not.toBe(id);
    } finally {
      await otherPrisma.$disconnect();
      await other.drop();
    }
  });

  it('writes and reads users, tokens, jobs, array tasks and events', async () => {
    const users = new UsersRepository(prisma);
    const tokens = new TokensRepository(prisma);
    const jobs = new JobsRepository(prisma);

    const user = await users.create({ username: 'drift', uid: 1234, gid: 1234, home: '/home/drift', groups: ['a', 'b'], admin: false });
    expect(await users.findByUsername('drift')).toMatchObject({ uid: 1234, groups: ['a', 'b'], disabled: false });

    const token = await tokens.create({ userId: user.id, name: 't', tokenHash: 'f'.repeat(64), prefix: 'hpcg_abc', scopes: ['jobs:read'], expiresAt: new Date(Date.now() + 1000) });
    await tokens.touch(token.id, new Date());
    expect(await tokens.findByHash('f'.repeat(64))).toMatchObject({ scopes: ['jobs:read'], user: { username: 'drift' } });

    const base = {
      userId: user.id,
      partition: 'p',
      engine: 'local',
      state: 'PENDING' as const,
      reason: 'QueuedInGateway',
      submitStatus: 'READY' as const,
      spec: { name: 'x' },
      workdir: '/tmp',
      submitDir: '/tmp',
      submitHost: 'h',
      account: null,
      timeLimitMinutes: 10,
      nodes: 1,
      cpus: 2,
      gpus: 1,
      eligibleTime: new Date(),
      actor: 'user:drift',
      route: null,
    };
    const plain = (await jobs.findById(await jobs.create({ ...base, name: 'plain', arrayIndices: null })))!;
    const array = (await jobs.findById(await jobs.create({ ...base, name: 'arr', arrayIndices: [1, 3, 5] })))!;
    expect(array.id).toBeGreaterThan(plain.id);
    expect([plain.gpus, array.gpus]).toEqual([1, 1]);
    // The group commit: ids come back in the order given, each job with its first event.
    const many = (await jobs.createPlainMany([
      { ...base, name: 'm1', arrayIndices: null, idempotencyKey: 'k1' },
      { ...base, name: 'm2', arrayIndices: null, state: 'HELD', submitStatus: 'WAITING', eligibleTime: null },
    ])) as number[];
    const [m1, m2] = await Promise.all(many.map((id) => jobs.findById(id)));
    // A key used again by the same user stores nothing and answers the job stored first, plain or array;
    // the same key of another user is another submission.
    const waiting = { state: 'HELD' as const, submitStatus: 'WAITING' as const, eligibleTime: null };
    const again = await jobs.createPlainMany([{ ...base, name: 'm1-again', arrayIndices: null, idempotencyKey: 'k1' }, { ...base, ...waiting, name: 'm3', arrayIndices: null, idempotencyKey: 'k3' }]);
    expect(again[0]).toBe(many[0]);
    expect(await jobs.create({ ...base, name: 'arr-again', arrayIndices: [7], idempotencyKey: 'k3' })).toBe(again[1]);
    const other = await new UsersRepository(prisma).create({ username: 'drift2', uid: null, gid: null, home: null, groups: [], admin: false });
    expect(await jobs.create({ ...base, ...waiting, userId: other.id, name: 'theirs', arrayIndices: null, idempotencyKey: 'k1' })).not.toBe(many[0]);
    expect((await jobs.list({ names: ['m1-again', 'arr-again'] }, 0, 10)).total).toBe(0);
    expect([m1?.name, m2?.name, m2?.state, m2?.submitStatus]).toEqual(['m1', 'm2', 'HELD', 'WAITING']);
    expect(m1?.eligibleTime?.getTime()).toBe(base.eligibleTime.getTime());
    expect((await jobs.events(many[1])).map((e) => e.toState)).toEqual(['HELD']);
    expect(array.tasks.map((t) => t.index)).toEqual([1, 3, 5]);
    // The first task carries the array's id; the others have ids of their own.
    expect(array.tasks[0].rawId).toBe(array.id);
    expect(new Set(array.tasks.map((t) => t.rawId)).size).toBe(3);
    expect((await jobs.findByAnyId(array.tasks[2].rawId))?.id).toBe(array.id);

    const ok = await jobs.apply({
      jobId: array.id,
      expectSubmitStatus: ['READY'],
      job: { state: 'RUNNING', submitStatus: 'SUBMITTED', engineRef: 'r' },
      tasks: [{ index: 3, data: { state: 'RUNNING', startTime: new Date(), cancelRequestedAt: new Date(), engineId: '777' } }],
      events: [{ arrayIndex: 3, fromState: 'PENDING', toState: 'RUNNING', reason: null, actor: 'engine:local' }],
    });
    expect(ok).toBe(true);
    expect(await jobs.apply({ jobId: array.id, expectSubmitStatus: ['READY'], job: { state: 'FAILED' } })).toBe(false);
    expect((await jobs.findLive('local')).map((j) => j.id)).toEqual([array.id]);
    expect(await jobs.findReadyIds(10)).toEqual([plain.id, many[0]]);
    expect((await jobs.events(array.id)).map((e) => [e.arrayIndex, e.fromState, e.toState])).toEqual([
      [null, null, 'PENDING'],
      [3, 'PENDING', 'RUNNING'],
    ]);
    expect(await jobs.findPendingCancels(new Date(Date.now() + 1000), 10)).toEqual([{ jobId: array.id, arrayIndex: 3 }]);
    expect(await jobs.hasEarlierUnfinished(user.id, 'arr', array.id + 1)).toBe(true);
    const page = await jobs.list({ usernames: ['drift'], states: ['RUNNING'] }, 0, 10);
    expect(page.items[0].tasks.map((t) => t.state)).toEqual(['PENDING', 'RUNNING', 'PENDING']);
    expect(page.items[0].tasks.map((t) => t.engineId)).toEqual([null, '777', null]);
    expect(page.total).toBe(1);
    expect(await jobs.countByState()).toEqual(expect.arrayContaining([{ state: 'RUNNING', count: 1 }]));
  });

  it('keeps directory identities, disables users, and counts what a user queues and runs', async () => {
    const users = new UsersRepository(prisma);
    const limits = new LimitsRepository(prisma);
    const jobs = new JobsRepository(prisma);
    const identity = { username: 'dirk', uid: 30001, gid: 30001, home: '/home/dirk', shell: '/bin/sh', groups: ['dirk', 'hpc'], groupIds: [30001, 40000], admin: false };
    const at = new Date();
    const dirk = await users.saveFromDirectory(identity, at);
    expect(dirk).toMatchObject({ ...identity, fromDirectory: true, disabled: false });
    await users.disable([dirk.id], at);
    expect((await users.listFromDirectory()).map((u) => [u.username, u.disabled])).toEqual([['dirk', true]]);
    expect(await users.saveFromDirectory({ ...identity, groupIds: [30001] }, at)).toMatchObject({ disabled: false, groupIds: [30001] });

    const job = { userId: dirk.id, name: 'j', partition: 'p', engine: 'local', state: 'PENDING' as const, reason: 'QueuedInGateway', submitStatus: 'READY' as const, spec: { array: { maxConcurrent: 2 } }, workdir: '/tmp', submitDir: '/tmp', submitHost: 'h', account: null, timeLimitMinutes: null, nodes: 1, cpus: 3, gpus: 1, eligibleTime: at, actor: 'user:dirk', route: null };
    const arrayId = await jobs.create({ ...job, arrayIndices: [0, 1, 2, 3] });
    const plainId = await jobs.create({ ...job, spec: {}, arrayIndices: null });
    expect(await limits.queuedCount(dirk.id)).toBe(5);
    expect(await limits.runningUsage(dirk.id)).toEqual({ jobs: 0, cpus: 0, gpus: 0 });
    // Admitting the array (throttled to 2 at once) makes it count; the plain job then waits.
    expect(await jobs.beginSubmitAttempt(arrayId, null)).toEqual({ attempt: 1 });
    expect(await limits.runningUsage(dirk.id)).toEqual({ jobs: 2, cpus: 6, gpus: 2 });
    const capped = async (tx: Parameters<AttemptCheck>[0]) => {
      await limits.lockUsers(tx, [dirk.id]);
      return (await limits.runningUsage(dirk.id, tx, plainId)).jobs >= 2 ? 'QOSMaxJobsPerUserLimit' : null;
    };
    expect(await jobs.beginSubmitAttempt(plainId, capped)).toEqual({ waitReason: 'QOSMaxJobsPerUserLimit' });
    expect(await jobs.findById(plainId)).toMatchObject({ submitStatus: 'WAITING', reason: 'QOSMaxJobsPerUserLimit' });
    expect(await jobs.beginSubmitAttempt(plainId, null)).toBeNull();
  });

  it('writes and reads notebooks and their events; one live notebook per user and server name; queue positions in one query', async () => {
    const users = new UsersRepository(prisma);
    const jobs = new JobsRepository(prisma);
    const notebooks = new NotebooksRepository(prisma);
    const user = await users.create({ username: 'nora', uid: null, gid: null, home: null, groups: [], admin: false });
    const job = { userId: user.id, partition: 'nb', engine: 'local', state: 'PENDING' as const, reason: 'Resources', submitStatus: 'SUBMITTED' as const, spec: {}, workdir: '/tmp', submitDir: '/tmp', submitHost: 'h', account: null, timeLimitMinutes: 60, nodes: 1, cpus: 1, gpus: 0, eligibleTime: new Date(), actor: 'user:nora', arrayIndices: null, route: null };
    const [j1, j2, j3] = [await jobs.create({ ...job, name: 'a' }), await jobs.create({ ...job, name: 'b' }), await jobs.create({ ...job, name: 'c' })];
    const base = { userId: user.id, profile: 'small', options: { cpus: 1, memory: '1G', gpus: 0, time: '1:00:00', image: null }, prefix: '/user/nora/', tokenHash: 'a'.repeat(64), reason: 'QueuedInGateway', actor: 'user:nora' };
    const id = await notebooks.reserveId();
    const nb = await notebooks.create({ ...base, id, jobId: j2, serverName: '' });
    expect(nb).toMatchObject({ id, jobId: j2, state: 'PENDING', stopRequested: false, user: { username: 'nora' }, job: { name: 'b' } });
    expect(await notebooks.create({ ...base, id: await notebooks.reserveId(), jobId: j3, serverName: '' })).toBeNull();
    expect(await notebooks.hasLive(user.id, '')).toBe(true);
    expect(await notebooks.countLive(user.id)).toBe(1);

    // Registration: guarded by the unused token, which it consumes.
    const register = { id, from: ['PENDING' as const], tokenHash: 'a'.repeat(64), notStopping: true, data: { state: 'STARTING' as const, host: '10.0.0.1', port: 9000, tokenHash: null }, event: { fromState: 'PENDING' as const, toState: 'STARTING' as const, reason: 'registered', actor: 'notebook' } };
    expect(await notebooks.apply(register)).toBe(true);
    expect(await notebooks.apply({ ...register, from: ['STARTING'] })).toBe(false);
    expect(await notebooks.apply({ id, from: ['STARTING'], data: { state: 'STOPPED', endedAt: new Date() }, event: { fromState: 'STARTING', toState: 'STOPPED', reason: 'x', actor: 'y' } })).toBe(true);
    expect((await notebooks.events(id)).map((e) => [e.fromState, e.toState])).toEqual([[null, 'PENDING'], ['PENDING', 'STARTING'], ['STARTING', 'STOPPED']]);
    expect(await notebooks.findLive({ userId: user.id })).toEqual([]);
    // Stopped, the name is free again.
    expect(await notebooks.create({ ...base, id: await notebooks.reserveId(), jobId: j3, serverName: '' })).toMatchObject({ state: 'PENDING' });
    expect((await notebooks.list({ userId: user.id, states: ['PENDING'] })).map((n) => n.jobId)).toEqual([j3]);

    const positions = await notebooks.queuePositions([j2, j3]);
    expect(positions.get(j3)).toEqual({ position: 3, total: 3 });
    await jobs.apply({ jobId: j1, job: { state: 'RUNNING' } });
    expect((await notebooks.queuePositions([j3])).get(j3)).toEqual({ position: 2, total: 2 });
  });

  it("writes and reads the engines' stored capacity, one row per engine", async () => {
    const capacity = new EngineCapacityRepository(prisma);
    const p = { name: 'batch', state: 'up' as const, nodes: 2, cpus: 8, memoryMB: 4096, gpus: 1, maxTimeMinutes: -1, nodeNames: ['n1', 'n2'] };
    await capacity.store('slurm', [p], new Date('2026-12-02T10:00:00Z'));
    await capacity.store('slurm', [{ ...p, state: 'drain' }], new Date('2026-12-02T10:00:30Z'));
    expect(await capacity.all()).toEqual([{ engine: 'slurm', partitions: [{ ...p, state: 'drain' }], observedAt: new Date('2026-12-02T10:00:30Z') }]);
  });
});
