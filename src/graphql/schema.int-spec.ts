import { buildClientSchema, buildSchema, getIntrospectionQuery, GraphQLSchema, IntrospectionQuery, lexicographicSortSchema, printSchema } from 'graphql';
import { GatewayFixture } from '../../test/support/gateway-fixture';
import { committedSchema, staleSchemaMessage } from '../../test/graphql/schema-file';

/**
 * schema.gql is printed from a list of resolvers (schema-sdl.ts), the running API from the modules'
 * providers: this proves they agree, over the wire, as a client (the CLI, the spawner) sees the API.
 */
describe('schema.gql and the running API', () => {
  jest.setTimeout(60_000);
  let gw: GatewayFixture;

  // The standard introspection query nests ofType deeper than the default depth limit allows.
  beforeAll(async () => {
    gw = await GatewayFixture.start({ env: { HPCG_GRAPHQL_MAX_DEPTH: '50' } });
  });
  afterAll(() => gw?.stop());

  it('the API serves exactly the committed schema', async () => {
    const introspection = await gw.admin<IntrospectionQuery>(getIntrospectionQuery({ descriptions: true }));
    // Both normalized the same way: the file's header comments and field order are not the contract.
    const print = (s: GraphQLSchema) => printSchema(lexicographicSortSchema(s));
    const served = print(buildClientSchema(introspection));
    const committed = print(buildSchema(committedSchema()));
    if (served !== committed) throw new Error(staleSchemaMessage('what the running API serves (is a resolver missing from src/graphql/schema-resolvers.ts?)', committed, served));
  });
});
