import { parse } from 'yaml';
import { FlatYamlError, parseFlatYaml } from './flat-yaml';

describe('parseFlatYaml', () => {
  const accepted = [
    'url: http://127.0.0.1:4000\n',
    '---\n# the site gateway\nurl: https://hpc.example.org/gw  # through the proxy\n\n',
    "url: 'https://h/it''s'\n",
    'url: "https://h/\\u0041\\t"\r\n',
    'url: http://h/#fragment\nother-key: plain value with spaces\n',
    '\uFEFFa_b: 1.5x\n',
  ];

  it.each(accepted)('means what a YAML parser says it means: %j', (text) => {
    expect(Object.fromEntries(parseFlatYaml(text))).toEqual(parse(text));
  });

  it.each([
    ['url:\n  - a\n', 1, '"url" has no value'],
    ['url: [a, b]\n', 1, 'the value of "url" is not a plain string: quote it'],
    ['url: {a: 1}\n', 1, 'not a plain string'],
    ['a: x\n  b: y\n', 2, 'indented line'],
    ['url: a\nurl: b\n', 2, 'key "url" is given twice'],
    ["url: 'open\n", 1, 'opens a single quote that does not close'],
    ['url: "bad \\x"\n', 1, 'must be a double-quoted string'],
    ['- a\n', 1, 'expected "key: value"'],
    ['url: a: b\n', 1, 'not a plain string'],
    ['url: &anchor x\n', 1, 'not a plain string'],
  ])('refuses %j at line %i (%s)', (text, line, words) => {
    let error: unknown;
    try {
      parseFlatYaml(text);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(FlatYamlError);
    expect((error as FlatYamlError).line).toBe(line);
    expect((error as Error).message).toContain(words);
  });
});
