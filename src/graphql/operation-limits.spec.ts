import { buildSchema, getOperationAST, parse } from 'graphql';
import { checkOperation, GraphqlLimits, measureOperation } from './operation-limits';

const schema = buildSchema(`
  type Event { at: String reason: String }
  type Job { id: Int state: String events: [Event!]! tasks: [Event!]! }
  type JobPage { items: [Job!]! total: Int }
  input PageInput { offset: Int = 0, limit: Int = 100 }
  type Query { me: String jobs(page: PageInput): JobPage! job(id: Int): Job users: [Job!]! }
`);
// graphql-js's buildSchema cannot declare extensions: `events` is a per-job resolver, as in the gateway.
(schema.getType('Job') as any).getFields().events.extensions = { complexity: 100 };

const LIMITS: GraphqlLimits = { maxDepth: 8, maxComplexity: 50_000, maxAliases: 30, maxFields: 1000, maxRootFields: 20, introspection: 'authenticated', maxBodyBytes: 1 << 20 };

function shape(query: string) {
  const doc = parse(query);
  return measureOperation(doc, getOperationAST(doc)!);
}

function check(query: string, opts: { limits?: Partial<GraphqlLimits>; authenticated?: boolean; variables?: Record<string, unknown> } = {}) {
  return checkOperation({
    schema,
    document: parse(query),
    variables: opts.variables,
    limits: { ...LIMITS, ...opts.limits },
    isAuthenticated: async () => opts.authenticated ?? false,
  });
}

describe('measureOperation', () => {
  it('counts aliases where fragments are spread, not where they are written', () => {
    const s = shape(`{ ...F ...F a: me } fragment F on Query { x: me y: me }`);
    expect(s.aliases).toBe(5);
    expect(s.fields).toBe(5);
    expect(s.rootFields).toBe(5);
  });

  it('measures depth through fragments and inline fragments', () => {
    expect(shape(`{ jobs { items { ...J } } } fragment J on Job { ... on Job { events { at } } }`).depth).toBe(4);
  });

  it('counts a fragment bomb in linear time while its expanded size is exponential', () => {
    const levels = 40;
    const frags = Array.from({ length: levels }, (_, i) => `fragment F${i} on Query { ${i === levels - 1 ? 'me' : `...F${i + 1} ...F${i + 1}`} }`).join('\n');
    const started = Date.now();
    const s = shape(`{ ...F0 } ${frags}`);
    expect(s.fields).toBe(2 ** (levels - 1));
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('sees __schema and __type, not __typename, as introspection', () => {
    expect(shape('{ __typename me }').introspection).toBe(false);
    expect(shape('{ __schema { queryType { name } } }').introspection).toBe(true);
    expect(shape('{ ...F } fragment F on Query { __type(name: "Job") { name } }').introspection).toBe(true);
  });
});

describe('checkOperation', () => {
  it('refuses introspection without a token, allows it with one, and __typename always', async () => {
    expect(await check('{ __schema { types { name } } }')).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await check('{ __type(name: "Job") { name } }')).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await check('{ __schema { types { name } } }', { authenticated: true })).toBeNull();
    expect(await check('{ __typename }')).toBeNull();
    expect(await check('{ __schema { types { name } } }', { limits: { introspection: 'on' } })).toBeNull();
    expect(await check('{ __schema { types { name } } }', { authenticated: true, limits: { introspection: 'off' } })).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('refuses more aliases than allowed, naming the limit', async () => {
    const aliased = (n: number) => Array.from({ length: n }, (_, i) => `a${i}: id`).join(' ');
    const refusal = await check(`{ jobs { items { ${aliased(31)} } } }`);
    expect(refusal).toMatchObject({ code: 'LIMIT_EXCEEDED', details: { limit: 'HPCG_GRAPHQL_MAX_ALIASES', value: 31, max: 30 } });
    expect(refusal!.message).toContain('HPCG_GRAPHQL_MAX_ALIASES');
    expect(await check(`{ jobs { items { ${aliased(30)} } } }`)).toBeNull();
  });

  it('refuses too many root fields and too many fields', async () => {
    expect(await check('{ me me2: me }', { limits: { maxRootFields: 1 } })).toMatchObject({ details: { limit: 'HPCG_GRAPHQL_MAX_ROOT_FIELDS' } });
    expect(await check('{ jobs { items { id state } } }', { limits: { maxFields: 3 } })).toMatchObject({ details: { limit: 'HPCG_GRAPHQL_MAX_FIELDS', value: 4 } });
  });

  it('refuses a query deeper than allowed', async () => {
    expect(await check('{ jobs { items { events { at } } } }', { limits: { maxDepth: 3 } })).toMatchObject({ details: { limit: 'HPCG_GRAPHQL_MAX_DEPTH', value: 4 } });
  });

  it('multiplies a page by its limit and a per-item resolver by the page', async () => {
    // 100 (root) + 50 × 1 (each job) = 150
    expect(await check('{ jobs(page: { limit: 50 }) { items { id state } } }', { limits: { maxComplexity: 150 } })).toBeNull();
    expect(await check('{ jobs(page: { limit: 51 }) { items { id state } } }', { limits: { maxComplexity: 150 } })).toMatchObject({ details: { value: 151 } });
    // 100 + 1000 × (1 + 100 + 10 × 1)
    expect(await check('{ jobs(page: { limit: 1000 }) { items { events { at } } } }')).toMatchObject({ code: 'LIMIT_EXCEEDED', details: { limit: 'HPCG_GRAPHQL_MAX_COMPLEXITY', value: 111_100 } });
  });

  it('reads the limit from variables, and the declared default when absent', async () => {
    const q = 'query($p: PageInput) { jobs(page: $p) { items { id } } }';
    expect(await check(q, { variables: { p: { limit: 7 } }, limits: { maxComplexity: 10 } })).toMatchObject({ details: { value: 107 } });
    expect(await check('{ jobs { items { id } } }', { limits: { maxComplexity: 10 } })).toMatchObject({ details: { value: 200 } });
  });

  it('gives a list without a size argument a default size of 10', async () => {
    // 100 + 10 × (1 + 10 × 1)
    expect(await check('{ users { tasks { at } } }', { limits: { maxComplexity: 10 } })).toMatchObject({ details: { value: 210 } });
  });
});
