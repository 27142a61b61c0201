import type { JobState } from '../domain/job';
import { type JobFacts, type NotebookFacts, type NotebookState, deriveTransition, needsOutputTail, notebookMessage } from './notebook-state';

const now = new Date('2026-01-01T12:00:00Z');
const started = new Date('2026-01-01T11:59:00Z');
const nb = (state: NotebookState, extra: Partial<NotebookFacts> = {}): NotebookFacts => ({ state, reason: null, stopRequested: false, stopActor: null, startedAt: null, ...extra });
const job = (state: JobState, extra: Partial<JobFacts> = {}): JobFacts => ({ id: 42, state, reason: null, exitCode: null, signal: null, startTime: null, endTime: null, timeLimitMinutes: 120, cancelledBy: null, ...extra });

describe('notebook state from its job', () => {
  it('PENDING follows the job\'s reason without an event; RUNNING makes it STARTING', () => {
    expect(deriveTransition(nb('PENDING', { reason: 'QueuedInGateway' }), job('PENDING', { reason: 'Resources' }), null, now)).toEqual({ from: 'PENDING', to: 'PENDING', reason: 'Resources', data: {}, event: false });
    expect(deriveTransition(nb('PENDING', { reason: 'Resources' }), job('PENDING', { reason: 'Resources' }), null, now)).toBeNull();
    expect(deriveTransition(nb('PENDING'), job('RUNNING', { startTime: started }), null, now)).toEqual({ from: 'PENDING', to: 'STARTING', reason: null, data: { startedAt: started }, event: true });
    expect(deriveTransition(nb('STARTING'), job('RUNNING'), null, now)).toBeNull();
    expect(deriveTransition(nb('READY'), job('RUNNING'), null, now)).toBeNull();
    expect(deriveTransition(nb('READY'), job('SUSPENDED'), null, now)).toBeNull();
  });

  it('a job requeued by its engine takes a started notebook back to PENDING without its old address', () => {
    expect(deriveTransition(nb('READY'), job('PENDING', { reason: 'BeginTime' }), null, now)).toEqual({ from: 'READY', to: 'PENDING', reason: 'BeginTime', data: { host: null, port: null }, event: true });
  });

  it('a job that ends before READY fails the notebook with its state, exit, reason and last output', () => {
    const died = job('FAILED', { exitCode: 1, endTime: now, reason: 'NonZeroExitCode' });
    expect(needsOutputTail(nb('STARTING'), died)).toBe(true);
    expect(deriveTransition(nb('STARTING'), died, 'Traceback | ModuleNotFoundError: No module named notebook', now)).toEqual({
      from: 'STARTING',
      to: 'FAILED',
      reason: 'job 42 ended FAILED with exit code 1 (NonZeroExitCode) before the server started; last output: Traceback | ModuleNotFoundError: No module named notebook',
      data: { endedAt: now },
      event: true,
    });
    expect(deriveTransition(nb('PENDING'), job('CANCELLED', { cancelledBy: 'user:root' }), null, now)?.reason).toBe('job 42 ended CANCELLED by user:root before the server started');
    expect(deriveTransition(nb('STARTING'), job('FAILED', { exitCode: 0, signal: 9 }), '', now)?.reason).toBe('job 42 ended FAILED by signal 9 before the server started');
    expect(deriveTransition(nb('PENDING'), job('FAILED', { reason: 'ImagePullBackOff: Back-off pulling image "x"' }), null, now)?.reason).toBe(
      'job 42 ended FAILED (ImagePullBackOff: Back-off pulling image "x") before the server started',
    );
  });

  it('a job that ends after READY, or after a stop, stops the notebook and says why', () => {
    const reason = (n: NotebookFacts, j: JobFacts) => {
      expect(needsOutputTail(n, j)).toBe(false);
      const t = deriveTransition(n, j, null, now);
      expect(t?.to).toBe('STOPPED');
      return t?.reason;
    };
    expect(reason(nb('READY'), job('TIMEOUT'))).toBe('maximum time reached (2:00:00)');
    expect(reason(nb('READY'), job('COMPLETED', { exitCode: 0 }))).toBe('the server exited (exit code 0)');
    expect(reason(nb('READY'), job('CANCELLED', { cancelledBy: 'user:admin' }))).toBe('job 42 was cancelled by user:admin');
    expect(reason(nb('READY'), job('OUT_OF_MEMORY'))).toBe('job 42 ran out of memory');
    expect(reason(nb('READY'), job('FAILED', { exitCode: 2 }))).toBe('job 42 ended FAILED with exit code 2');
    expect(reason(nb('STARTING', { stopRequested: true, stopActor: 'service:hub for user:alice' }), job('CANCELLED'))).toBe('stopped by service:hub for user:alice');
    expect(reason(nb('PENDING', { stopRequested: true, stopActor: 'user:alice' }), job('CANCELLED'))).toBe('stopped by user:alice');
  });

  it('a final notebook never changes again', () => {
    expect(deriveTransition(nb('STOPPED'), job('RUNNING'), null, now)).toBeNull();
    expect(deriveTransition(nb('FAILED'), job('COMPLETED'), null, now)).toBeNull();
  });
});

describe('notebook progress message', () => {
  const base = { reason: null, partition: 'debug', jobId: 42, nodeList: null, host: null, port: null, queuePosition: null, queueLength: null };
  it('says where the notebook stands in one line', () => {
    expect(notebookMessage({ ...base, state: 'PENDING', reason: 'Resources', queuePosition: 1, queueLength: 3 })).toBe('Queued in partition debug: Resources (position 1 of 3)');
    expect(notebookMessage({ ...base, state: 'PENDING', reason: 'EngineUnavailable' })).toBe('Queued in partition debug: EngineUnavailable');
    const expectedStart = { time: new Date('2026-12-02T16:30:00Z'), by: 'engine' as const };
    expect(notebookMessage({ ...base, state: 'PENDING', reason: 'Resources', queuePosition: 2, queueLength: 2, expectedStart })).toBe(
      'Queued in partition debug: Resources (position 2 of 2); expected to start by 2026-12-02T16:30:00.000Z (engine estimate)',
    );
    expect(notebookMessage({ ...base, state: 'STARTING', nodeList: 'n1' })).toBe('Job 42 running on node n1; starting the server');
    expect(notebookMessage({ ...base, state: 'STARTING', nodeList: 'n1', host: '10.1.2.3', port: 9123 })).toBe('Job 42 running on node n1; server registered at http://10.1.2.3:9123, waiting for it to answer');
    expect(notebookMessage({ ...base, state: 'READY', host: 'fe80::1', port: 9123 })).toBe('Server ready at http://[fe80::1]:9123');
    expect(notebookMessage({ ...base, state: 'STOPPED', reason: 'maximum time reached (8:00:00)' })).toBe('Stopped: maximum time reached (8:00:00)');
    expect(notebookMessage({ ...base, state: 'FAILED', reason: 'x exited with status 1: boom' })).toBe('Failed: x exited with status 1: boom');
  });
});
