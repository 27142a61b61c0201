import { AccessRulesResolver } from '../auth/authorization/access-rules.resolver';
import { LoginResolver } from '../auth/login.resolver';
import { TokensResolver } from '../auth/tokens.resolver';
import { JobsResolver, SubmitResultResolver } from '../jobs/jobs.resolver';
import { NotebooksResolver } from '../notebooks/notebooks.resolver';
import { PartitionsResolver } from '../partitions/partitions.resolver';
import { UsersResolver } from '../users/users.resolver';

/**
 * Every resolver class of the API, for printing the schema without starting the app (schema-sdl.ts).
 * The running API finds its resolvers in the feature modules' providers instead; two tests keep the two
 * in step: schema-resolvers.spec.ts (every @Resolver class under src/ is listed here) and
 * schema.int-spec.ts (the running API serves exactly schema.gql).
 */
export const SCHEMA_RESOLVERS: Function[] = [
  AccessRulesResolver,
  JobsResolver,
  LoginResolver,
  NotebooksResolver,
  PartitionsResolver,
  SubmitResultResolver,
  TokensResolver,
  UsersResolver,
];
