/** A minimal GraphQL-over-HTTP client for tests: returns data, or throws with the errors' codes. */
export class GraphqlError extends Error {
  constructor(readonly errors: { message: string; extensions?: { code?: string; details?: Record<string, unknown> } }[]) {
    super(errors.map((e) => `${e.extensions?.code ?? '?'}: ${e.message}`).join('; '));
  }
  get code(): string | undefined {
    return this.errors[0]?.extensions?.code;
  }
}

export async function gql<T = Record<string, any>>(url: string, token: string | null, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: GraphqlError['errors'] };
  if (body.errors?.length) throw new GraphqlError(body.errors);
  return body.data as T;
}

/** The error a GraphQL call was refused with (its code, message and details); fails when it was accepted. */
export async function refusal(p: Promise<unknown>): Promise<{ code?: string; message: string; details?: Record<string, unknown> }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof GraphqlError) return { code: e.code, message: e.errors[0].message, details: e.errors[0].extensions?.details };
    throw e;
  }
  throw new Error('accepted');
}
