import { ApiException } from '@kubernetes/client-node';
import { Reason } from '../../domain/job';
import { EngineRefusedError, EngineUnavailableError } from '../engine-errors';
import { kubeError } from './kube-errors';

const api = (status: number, message: string) => new ApiException(status, 'HTTP error', JSON.stringify({ kind: 'Status', message }), {});
const classify = (e: unknown) => kubeError('kube', 'creating Job hpcg-alice/hpcg-7', e, 7);

describe('kubeError: what a failed Kubernetes call means for the job', () => {
  it.each([
    [400, 'Job in version "v1" cannot be handled as a Job: strict decoding error: unknown field "spec.foo"'],
    [404, 'namespaces "hpcg-alice" not found'],
    [409, 'jobs.batch "hpcg-7" already exists'],
    [422, 'Job.batch "hpcg-7" is invalid: spec.template.spec.containers[0].image: Required value'],
  ])('%i is a refusal with the server message', (status, message) => {
    const e = classify(api(status, message));
    expect(e).toBeInstanceOf(EngineRefusedError);
    expect(e).toMatchObject({ engine: 'kube', jobId: 7, policy: false, details: { status } });
    expect(e.message).toBe(`creating Job hpcg-alice/hpcg-7: Kubernetes refused it (${status}): ${message}`);
  });

  it('an admission 403 is a refusal by policy', () => {
    const e = classify(api(403, 'admission webhook "policy.example.org" denied the request: image registry not allowed'));
    expect(e).toBeInstanceOf(EngineRefusedError);
    expect((e as EngineRefusedError).policy).toBe(true);
  });

  it('an RBAC 403 is the gateway missing a permission: unavailable, with a credentials message', () => {
    const e = classify(api(403, 'jobs.batch is forbidden: User "system:serviceaccount:hpcg:gateway" cannot create resource "jobs" in API group "batch" in the namespace "hpcg-alice"'));
    expect(e).toBeInstanceOf(EngineUnavailableError);
    expect(e.message).toMatch(/credentials of engine kube are not accepted .*\(403\)/);
  });

  it('a 403 for an exceeded quota waits with reason QuotaExceeded', () => {
    const e = classify(api(403, 'jobs.batch "hpcg-7" is forbidden: exceeded quota: hpcg-quota, requested: count/jobs.batch=1'));
    expect(e).toBeInstanceOf(EngineUnavailableError);
    expect((e as EngineUnavailableError).reason).toBe(Reason.QuotaExceeded);
  });

  it('401 is unavailable, blaming the gateway credentials rather than the job', () => {
    const e = classify(api(401, 'Unauthorized'));
    expect(e).toBeInstanceOf(EngineUnavailableError);
    expect(e.message).toMatch(/credentials of engine kube are not accepted by the Kubernetes API \(401\): Unauthorized; an administrator must fix/);
    expect((e as EngineUnavailableError).reason).toBeNull();
  });

  it.each([408, 429, 500, 502, 503, 504])('%i is unavailable (retried with backoff)', (status) => {
    const e = classify(api(status, 'etcdserver: request timed out'));
    expect(e).toBeInstanceOf(EngineUnavailableError);
    expect((e as EngineUnavailableError).reason).toBeNull();
  });

  it('a server never reached is unavailable', () => {
    const e = classify(Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:6443'), { code: 'ECONNREFUSED' }));
    expect(e).toBeInstanceOf(EngineUnavailableError);
    expect(e.message).toBe('creating Job hpcg-alice/hpcg-7: unreachable: connect ECONNREFUSED 10.0.0.1:6443');
  });
});
