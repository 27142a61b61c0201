/**
 * The GraphQL operations the CLI sends, one function each. Documents select only what the commands
 * print: `spec` carries the whole script and `events` grows with the job, so both are opt-in.
 */
import { randomUUID } from 'node:crypto';
import { type GatewayClient, GatewayRequestError, GatewayUnreachableError } from './gateway-client';
import type { GatewayJob, GatewayJobFilter, GatewayPartition, GatewayTestResult, GatewayUser } from './gateway-types';

export interface JobSelection {
  spec?: boolean;
  events?: boolean;
  /** A pending job's expected start (`%S`, `--start`, StartTime): a resolver per job, so a costly field. */
  estimate?: boolean;
}

const PAGE_LIMIT = 1000;
/** `spec`, `events` and `estimatedStart` are costly per job (the gateway's HPCG_GRAPHQL_MAX_COMPLEXITY): smaller pages. */
const COSTLY_PAGE_LIMIT = 200;

export function jobFields(selection: JobSelection = {}): string {
  return [
    'id name user uid gid submitHost account partition engine state reason exitCode signal',
    'submitTime eligibleTime startTime endTime timeLimitMinutes nodes cpus nodeList workdir',
    'stdoutPath stderrPath isArray arrayMaxConcurrent dependency comment',
    'arrayTasks { index rawId state reason exitCode signal startTime endTime nodeList }',
    selection.spec ? 'spec' : '',
    selection.estimate ? 'estimatedStart { time source }' : '',
    selection.events ? 'events { at arrayIndex fromState toState reason actor }' : '',
  ]
    .filter(Boolean)
    .join(' ');
}

/** Every job matching the filter, following the gateway's pages to the end. */
export async function listJobs(client: GatewayClient, filter: GatewayJobFilter, selection: JobSelection = {}): Promise<GatewayJob[]> {
  const query = `query CliJobs($filter: JobFilter, $page: PageInput) { jobs(filter: $filter, page: $page) { total items { ${jobFields(selection)} } } }`;
  const jobs: GatewayJob[] = [];
  const limit = selection.spec || selection.events || selection.estimate ? COSTLY_PAGE_LIMIT : PAGE_LIMIT;
  for (let offset = 0; ; offset += limit) {
    const { jobs: page } = await client.request<{ jobs: { total: number; items: GatewayJob[] } }>(query, {
      filter,
      page: { offset, limit },
    });
    jobs.push(...page.items);
    if (page.items.length < limit || jobs.length >= page.total) return jobs;
  }
}

export async function getJob(client: GatewayClient, id: number, selection: JobSelection = {}): Promise<GatewayJob | null> {
  const query = `query CliJob($id: Int!) { job(id: $id) { ${jobFields(selection)} } }`;
  return (await client.request<{ job: GatewayJob | null }>(query, { id })).job;
}

export async function listPartitions(client: GatewayClient): Promise<GatewayPartition[]> {
  const query = 'query CliPartitions { partitions { name cluster engine engineKind default state maxTimeMinutes nodes cpus memoryMB gpus nodeList allowGroups } }';
  return (await client.request<{ partitions: GatewayPartition[] }>(query)).partitions;
}

export async function whoAmI(client: GatewayClient): Promise<GatewayUser> {
  return (await client.request<{ me: GatewayUser }>('query CliMe { me { id username uid gid admin } }')).me;
}

/** Directory login: a user name and password for a new API token. */
export async function login(client: GatewayClient, username: string, password: string): Promise<{ token: string; username: string; expiresAt: string | null }> {
  const query = 'mutation CliLogin($username: String!, $password: String!) { login(username: $username, password: $password) { token username expiresAt } }';
  return (await client.request<{ login: { token: string; username: string; expiresAt: string | null } }>(query, { username, password })).login;
}

export async function listUsers(client: GatewayClient): Promise<GatewayUser[]> {
  return (await client.request<{ users: GatewayUser[] }>('query CliUsers { users { id username uid gid admin } }')).users;
}

/** The GraphQL variables of submitBatchScript and testBatchScript. */
export interface BatchScriptVariables {
  script: string | null;
  args: string[];
  scriptArgs: string[];
  env: Record<string, string>;
  cwd: string;
  scriptName: string | null;
}

const BATCH_ARGS = '$script: String, $args: [String!], $scriptArgs: [String!], $env: JSON, $cwd: String, $scriptName: String';
const BATCH_VALUES = 'script: $script, args: $args, scriptArgs: $scriptArgs, env: $env, cwd: $cwd, scriptName: $scriptName';

/** How long sbatch keeps trying a submission whose answer was lost (the gateway restarting: seconds). */
const SUBMIT_RETRY_DELAYS_MS = [500, 1000, 2000, 4000, 8000];

/**
 * One submission, sent again with the same idempotency key while its answer is lost (a connection
 * error, a proxy's 502-504) or the gateway says it cannot answer now (UNAVAILABLE: its database or the
 * engine): a submission the gateway did store returns that job, so a retry never makes a second one.
 * Any other answer, an error included, is final.
 */
export async function submitBatchScript(client: GatewayClient, input: BatchScriptVariables, sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))): Promise<number> {
  const query = `mutation CliSubmit(${BATCH_ARGS}, $key: String) { submitBatchScript(${BATCH_VALUES}, idempotencyKey: $key) { jobId } }`;
  const variables = { ...input, key: randomUUID() };
  for (let attempt = 0; ; attempt++) {
    try {
      return (await client.request<{ submitBatchScript: { jobId: number } }>(query, variables)).submitBatchScript.jobId;
    } catch (e) {
      const lost = (e instanceof GatewayUnreachableError && e.transient) || (e instanceof GatewayRequestError && e.code === 'UNAVAILABLE');
      if (!lost || attempt >= SUBMIT_RETRY_DELAYS_MS.length) throw e;
      await sleep(SUBMIT_RETRY_DELAYS_MS[attempt]);
    }
  }
}

export async function testBatchScript(client: GatewayClient, input: BatchScriptVariables): Promise<GatewayTestResult> {
  const query = `query CliTest(${BATCH_ARGS}) { testBatchScript(${BATCH_VALUES}) { spec engine translation } }`;
  return (await client.request<{ testBatchScript: GatewayTestResult }>(query, { ...input })).testBatchScript;
}

/** `signal` is sent only when given, so a plain cancel asks no more of the server than it needs. */
export async function cancelJob(client: GatewayClient, id: number, arrayIndex: number | null, signal: string | null): Promise<void> {
  if (signal === null) {
    const query = 'mutation CliCancel($id: Int!, $arrayIndex: Int) { cancelJob(id: $id, arrayIndex: $arrayIndex) { id } }';
    await client.request(query, { id, arrayIndex });
    return;
  }
  const query = 'mutation CliCancel($id: Int!, $arrayIndex: Int, $signal: String) { cancelJob(id: $id, arrayIndex: $arrayIndex, signal: $signal) { id } }';
  await client.request(query, { id, arrayIndex, signal });
}

export async function holdJob(client: GatewayClient, id: number): Promise<void> {
  await client.request('mutation CliHold($id: Int!) { holdJob(id: $id) { id } }', { id });
}

export async function releaseJob(client: GatewayClient, id: number): Promise<void> {
  await client.request('mutation CliRelease($id: Int!) { releaseJob(id: $id) { id } }', { id });
}
