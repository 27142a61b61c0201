/** What a token may do. A token carries a subset of what its issuer holds (see TokensService.issue). */
export const Scope = {
  /** Read one's own jobs, notebooks, output; partitions and profiles. */
  JobsRead: 'jobs:read',
  /** Submit, cancel, hold, release jobs; spawn and stop notebooks. */
  JobsWrite: 'jobs:write',
  /** List, issue and revoke one's own tokens. */
  Tokens: 'tokens',
  /** Administrator rights; only ever held by administrators' tokens. */
  Admin: 'admin',
  /** A service (JupyterHub) acting for a named user; granted only by an administrator, only to service accounts, never implied. */
  ActAs: 'users:act-as',
} as const;

export type ScopeName = (typeof Scope)[keyof typeof Scope];
export const KNOWN_SCOPES: readonly string[] = Object.values(Scope);

/** What a token without stated scopes resolves to for this user: everything they hold except acting for others. */
export function fullScopesOf(user: { admin: boolean }): string[] {
  return user.admin ? [Scope.JobsRead, Scope.JobsWrite, Scope.Tokens, Scope.Admin] : [Scope.JobsRead, Scope.JobsWrite, Scope.Tokens];
}

/** Scopes a principal acting for a user keeps: job work only, never tokens, administration or further acting. */
export const ACTING_SCOPES: readonly string[] = [Scope.JobsRead, Scope.JobsWrite];
