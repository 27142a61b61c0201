import { jsonCText, JsonFloat, type JsonCValue } from './json-c';
import { recorded } from '../../../test/slurm/recorded-clients';

/** The keys Slurm 22.05 writes as doubles (data_set_float) in these dumps. */
const FLOAT_KEYS = new Set(['billable_tres', 'tres_weighted']);

/** A parsed document back into json-c values: the keys Slurm holds as doubles become JsonFloat. */
function withFloats(value: unknown, key = ''): JsonCValue {
  if (Array.isArray(value)) return value.map((v) => withFloats(v));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withFloats(v, k)]));
  if (typeof value === 'number' && FLOAT_KEYS.has(key)) return new JsonFloat(value);
  return value as JsonCValue;
}

describe('jsonCText: the bytes of Slurm 22.05 --json output (json-c pretty, spaced)', () => {
  it.each(['squeue-json', 'sinfo-json', 'sacct-json'])('rewrites the recorded %s byte for byte', (name) => {
    const text = recorded(name);
    expect(text.length).toBeGreaterThan(100);
    expect(jsonCText(withFloats(JSON.parse(text)))).toBe(text);
  });

  it('escapes as json-c does: slash, quotes, control characters; floats keep a fraction; no final newline', () => {
    expect(jsonCText({ a: '/tmp/"x"\n\u0001', f: new JsonFloat(2), g: new JsonFloat(0.5), n: null, e: [], o: {} })).toBe(
      '{\n  "a": "\\/tmp\\/\\"x\\"\\n\\u0001",\n  "f": 2.0,\n  "g": 0.5,\n  "n": null,\n  "e": [\n  ],\n  "o": {\n  }\n}',
    );
  });
});
