/**
 * The GraphQL operations the CLI sends, one function each. Documents select only what the commands
 * print: `spec` carries the whole script and `events` grows with the job, so both are opt-in.
 */
import type { GatewayClient } from './gateway-client';
import type { GatewayJob, GatewayJobFilter, GatewayPartition, GatewayTestResult, GatewayUser } from './gateway-types';

export interface JobSelection {
  spec?: boolean;
  events?: boolean;
}

const PAGE_LIMIT = 1000;
/** `spec` and `events` are costly per job (the gateway's HPCG_GRAPHQL_MAX_COMPLEXITY): smaller pages. */
const COSTLY_PAGE_LIMIT = 200;

export function jobFields(selection: JobSelection = {}): string {
  return [
    'id name user account partition engine state reason exitCode signal',
    'submitTime eligibleTime startTime endTime timeLimitMinutes nodes cpus nodeList workdir',
    'stdoutPath stderrPath isArray arrayMaxConcurrent dependency comment',
    'arrayTasks { index rawId state reason exitCode signal startTime endTime nodeList }',
    selection.spec ? 'spec' : '',
    selection.events ? 'events { at arrayIndex fromState toState reason actor }' : '',
  ]
    .filter(Boolean)
    .join(' ');
}

/** Every job matching the filter, following the gateway's pages to the end. */
export async function listJobs(client: GatewayClient, filter: GatewayJobFilter, selection: JobSelection = {}): Promise<GatewayJob[]> {
  const query = `query CliJobs($filter: JobFilter, $page: PageInput) { jobs(filter: $filter, page: $page) { total items { ${jobFields(selection)} } } }`;
  const jobs: GatewayJob[] = [];
  const limit = selection.spec || selection.events ? COSTLY_PAGE_LIMIT : PAGE_LIMIT;
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
  const query = 'query CliPartitions { partitions { name engine engineKind default state maxTimeMinutes nodes cpus memoryMB gpus nodeList allowGroups } }';
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

export async function submitBatchScript(client: GatewayClient, input: BatchScriptVariables): Promise<number> {
  const query = `mutation CliSubmit(${BATCH_ARGS}) { submitBatchScript(${BATCH_VALUES}) { jobId } }`;
  return (await client.request<{ submitBatchScript: { jobId: number } }>(query, { ...input })).submitBatchScript.jobId;
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
