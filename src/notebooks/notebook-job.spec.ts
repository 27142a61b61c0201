import { execFileSync } from 'node:child_process';
import { DomainError } from '../common/domain-error';
import { defaultOptions } from './notebook-options';
import { resolveNotebooks } from './notebook-profiles';
import { hubEnvironment, notebookJobSpec, notebookScript } from './notebook-job';
import { notebooksSchema } from './notebooks-config.schema';

const [profile] = resolveNotebooks(
  notebooksSchema.parse({ profiles: [{ name: 'small', partition: 'debug', cpus: 2, memory: '2G', gpus: 1, maxTime: '8:00:00', image: 'jupyter/base-notebook' }] }),
  [{ name: 'debug', maxTimeMinutes: -1 }],
  (k, m) => {
    throw new Error(`${k}: ${m}`);
  },
).profiles;

describe('the notebook job', () => {
  it('is a structured JobSpec: resources from the options, partition from the profile, JupyterHub environment plus the registration variables', () => {
    const spec = notebookJobSpec({
      notebookId: 7,
      serverName: '',
      profile,
      options: defaultOptions(profile),
      hubEnvironment: { JUPYTERHUB_API_TOKEN: 't' },
      token: 'hpcg_x',
      registerUrl: 'http://gw:4000/notebooks/7',
      python: '/usr/bin/python3',
      ports: '9000-9099',
    });
    expect(spec).toMatchObject({
      name: 'notebook-small',
      partitions: ['debug'],
      timeLimitMinutes: 480,
      ntasks: 1,
      cpusPerTask: 2,
      memPerNodeMB: 2048,
      gpus: { count: 1, type: null, per: 'job' },
      image: 'jupyter/base-notebook',
      export: { mode: 'ALL', vars: {} },
      environment: {
        JUPYTERHUB_API_TOKEN: 't',
        HPCG_NOTEBOOK_ID: '7',
        HPCG_NOTEBOOK_TOKEN: 'hpcg_x',
        HPCG_NOTEBOOK_REGISTER_URL: 'http://gw:4000/notebooks/7',
        HPCG_NOTEBOOK_COMMAND: 'jupyterhub-singleuser',
        HPCG_NOTEBOOK_PYTHON: '/usr/bin/python3',
        HPCG_NOTEBOOK_PORTS: '9000-9099',
      },
    });
  });

  it('embeds the launcher verbatim in a shell heredoc that Python reads as its program', () => {
    const script = notebookScript(7);
    expect(script.startsWith(`#!/bin/sh\n`)).toBe(true);
    expect(script).toContain(`exec "\${HPCG_NOTEBOOK_PYTHON:-python3}" - <<'HPCG_LAUNCHER'\n# hpc-gateway notebook launcher`);
    // The launcher compiles: shell unwraps the heredoc, Python parses what it gets.
    const program = execFileSync('/bin/sh', ['-c', script.replace('exec "${HPCG_NOTEBOOK_PYTHON:-python3}" -', 'cat')]).toString();
    execFileSync('python3', ['-c', 'import sys, ast; ast.parse(sys.stdin.read())'], { input: program });
  });

  it('refuses an environment that is not a string map or that sets the gateway\'s own variables', () => {
    const field = (env: unknown) => {
      try {
        hubEnvironment(env);
      } catch (e) {
        return (e as DomainError).details.field;
      }
      return null;
    };
    expect(field({ JUPYTERHUB_API_TOKEN: 'x' })).toBeNull();
    expect(field({ HPCG_NOTEBOOK_TOKEN: 'x' })).toBe('environment.HPCG_NOTEBOOK_TOKEN');
    expect(field({ '1BAD': 'x' })).toBe('environment.1BAD');
    expect(field({ A: 1 })).toBe('environment.A');
    expect(field(['A'])).toBe('environment');
  });
});
