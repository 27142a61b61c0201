/**
 * The administration operations the CLI sends (`hpcg user …`, `hpcg token …`): thin clients of the
 * gateway's createUser, users, issueToken, tokens and revokeToken. The gateway checks who may do what.
 */
import type { GatewayClient } from './gateway-client';

export interface AdminUser {
  id: number;
  username: string;
  uid: number | null;
  gid: number | null;
  home: string | null;
  groups: string[];
  admin: boolean;
  disabled: boolean;
  fromDirectory: boolean;
}

export interface AdminToken {
  id: number;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

const USER_FIELDS = 'id username uid gid home groups admin disabled fromDirectory';
const TOKEN_FIELDS = 'id name prefix scopes createdAt expiresAt revokedAt lastUsedAt';

export interface NewUserInput {
  username: string;
  uid?: number;
  gid?: number;
  home?: string;
  groups?: string[];
  admin?: boolean;
}

export async function createUser(client: GatewayClient, input: NewUserInput): Promise<AdminUser> {
  const query = `mutation CliCreateUser($username: String!, $uid: Int, $gid: Int, $home: String, $groups: [String!], $admin: Boolean) {
    createUser(username: $username, uid: $uid, gid: $gid, home: $home, groups: $groups, admin: $admin) { ${USER_FIELDS} } }`;
  return (await client.request<{ createUser: AdminUser }>(query, { ...input })).createUser;
}

export async function listUsers(client: GatewayClient): Promise<AdminUser[]> {
  return (await client.request<{ users: AdminUser[] }>(`query CliUsers { users { ${USER_FIELDS} } }`)).users;
}

export async function issueToken(
  client: GatewayClient,
  input: { username: string; name: string; scopes: string[] | null; expiresInDays: number | null },
): Promise<{ token: string; apiToken: AdminToken }> {
  const query = `mutation CliIssueToken($username: String!, $name: String!, $scopes: [String!], $expiresInDays: Int) {
    issueToken(username: $username, name: $name, scopes: $scopes, expiresInDays: $expiresInDays) { token apiToken { ${TOKEN_FIELDS} } } }`;
  return (await client.request<{ issueToken: { token: string; apiToken: AdminToken } }>(query, { ...input })).issueToken;
}

export async function listTokens(client: GatewayClient, username: string | null): Promise<AdminToken[]> {
  const query = `query CliTokens($username: String) { tokens(username: $username) { ${TOKEN_FIELDS} } }`;
  return (await client.request<{ tokens: AdminToken[] }>(query, { username })).tokens;
}

export async function revokeToken(client: GatewayClient, id: number): Promise<AdminToken> {
  const query = `mutation CliRevokeToken($id: Int!) { revokeToken(id: $id) { ${TOKEN_FIELDS} } }`;
  return (await client.request<{ revokeToken: AdminToken }>(query, { id })).revokeToken;
}
