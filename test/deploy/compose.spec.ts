import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import draft07 from 'ajv/dist/refs/json-schema-draft-07.json';
import { parse } from 'yaml';
import { loadProxyConfig } from '../../proxy/src/config/load-config';
import { loadConfig } from '../../src/config/load-config';
import { ROOT } from '../support/gateway-process';

type Obj = Record<string, any>;

const DIR = join(ROOT, 'deploy', 'docker');
// The Compose Specification's own schema (source and commit in compose-spec.md).
const schema = JSON.parse(readFileSync(join(__dirname, 'compose-spec.schema.json'), 'utf8')) as Obj;
// It names draft-07 by its https address, which ajv knows only as http://json-schema.org/draft-07/schema#.
const ajv = new Ajv({ allErrors: true, strict: false }).addMetaSchema({ ...draft07, $id: schema.$schema });
const validate = ajv.compile(schema);
/** As `docker compose` reads it: YAML merge keys (`<<: *gateway`) applied. */
const readCompose = (text: string): Obj => parse(text, { merge: true }) as Obj;
const composeText = readFileSync(join(DIR, 'compose.yaml'), 'utf8');
const compose = readCompose(composeText);
const errorsOf = (doc: Obj) => (validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`));

describe('deploy/docker/compose.yaml', () => {
  it('validates against the Compose Specification schema', () => {
    expect(errorsOf(compose)).toEqual([]);
  });

  it('the schema catches what compose would refuse (a misspelt key, a wrong condition)', () => {
    const bad = structuredClone(compose);
    bad.services.api.healthchek = bad.services.api.healthcheck;
    bad.services.worker.depends_on = { migrate: { condition: 'service_done' } };
    const errors = errorsOf(bad).join('\n');
    expect(errors).toContain('/services/api must NOT have additional properties {"additionalProperty":"healthchek"}');
    expect(errors).toContain('/services/worker/depends_on/migrate/condition must be equal to one of the allowed values');
  });

  it('starts gateway, worker, proxy, PostgreSQL and Redis, each only once what it needs is healthy (or migrated)', () => {
    const services = compose.services as Record<string, Obj>;
    expect(Object.keys(services).sort()).toEqual(['api', 'migrate', 'postgres', 'proxy', 'redis', 'worker']);
    const problems: string[] = [];
    for (const [name, svc] of Object.entries(services)) {
      if (name !== 'migrate' && !svc.healthcheck?.test) problems.push(`${name} has no healthcheck`);
      for (const [dep, { condition }] of Object.entries<Obj>(svc.depends_on ?? {})) {
        if (!services[dep]) problems.push(`${name} depends on unknown ${dep}`);
        else if (condition === 'service_healthy' && !services[dep].healthcheck) problems.push(`${name} waits for ${dep} to be healthy, which has no healthcheck`);
        else if (!['service_healthy', 'service_completed_successfully'].includes(condition)) problems.push(`${name} starts before ${dep} is ready (${condition})`);
      }
    }
    expect(problems).toEqual([]);
    for (const s of ['api', 'worker']) expect(services[s].depends_on.migrate.condition).toBe('service_completed_successfully');
    expect(services.proxy.depends_on.api.condition).toBe('service_healthy');
  });

  it('gateway containers are read-only, drop every capability and add back only what their role needs', () => {
    const services = compose.services as Record<string, Obj>;
    for (const s of ['migrate', 'api', 'worker', 'proxy']) {
      expect([s, services[s].read_only, services[s].cap_drop, services[s].security_opt]).toEqual([s, true, ['ALL'], ['no-new-privileges:true']]);
    }
    expect([services.migrate.user, services.proxy.user, services.api.cap_add, services.proxy.cap_add]).toEqual([undefined, undefined, ['DAC_READ_SEARCH'], undefined]);
  });

  it('its site file is one the gateway and hpcg-proxy accept, with the proxy pointing at the API service', () => {
    const site = join(DIR, 'hpcg.yaml');
    expect(compose.services.api.volumes).toContain('./hpcg.yaml:/etc/hpcg/hpcg.yaml:ro');
    const config = loadConfig({ HPCG_CONFIG: site, HPCG_ADMIN_TOKEN: 'a'.repeat(24) });
    expect(config.partitions.map((p) => p.name)).toEqual(['debug', 'long']);
    const proxy = loadProxyConfig({ config: site }, { CONFIGPROXY_AUTH_TOKEN: 'b'.repeat(24), REDIS_URL: 'redis://redis:6379' });
    expect(proxy.pools.map((p) => p.members)).toEqual([['http://api:4000']]);
  });
});
