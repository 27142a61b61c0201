import { logFailure } from './log-failure';

describe('logFailure', () => {
  it('logs what was being done with its context and the error message, and resolves to undefined', async () => {
    const log = { warn: jest.fn(), debug: jest.fn() };
    await expect(Promise.reject(new Error('boom')).catch(logFailure(log, 'could not enqueue', { jobId: 7 }))).resolves.toBeUndefined();
    expect(log.warn).toHaveBeenCalledWith({ jobId: 7, err: 'boom' }, 'could not enqueue');
    expect(log.debug).not.toHaveBeenCalled();
  });

  it('logs at the level asked for, and copes with a thrown non-Error', async () => {
    const log = { debug: jest.fn() };
    await Promise.reject('gone').catch(logFailure(log, 'unbind failed', {}, 'debug'));
    expect(log.debug).toHaveBeenCalledWith({ err: 'gone' }, 'unbind failed');
  });
});
