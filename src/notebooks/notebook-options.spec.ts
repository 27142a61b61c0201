import { DomainError } from '../common/domain-error';
import { changeable, defaultOptions, resolveOptions } from './notebook-options';
import { type ResolvedProfile, resolveNotebooks } from './notebook-profiles';
import { notebooksSchema } from './notebooks-config.schema';

const fail = (key: string, message: string): never => {
  throw new Error(`${key}: ${message}`);
};

function profiles(raw: unknown): ResolvedProfile[] {
  return resolveNotebooks(notebooksSchema.parse(raw), [{ name: 'debug', maxTimeMinutes: 720 }, { name: 'short', maxTimeMinutes: 30 }], fail).profiles;
}

const [medium, fixed] = profiles({
  profiles: [
    {
      name: 'medium',
      partition: 'debug',
      cpus: 2,
      memory: '4G',
      maxTime: '8:00:00',
      image: 'jupyter/base-notebook',
      userOptions: { cpus: { min: 1, max: 4 }, memory: { min: '1G', max: '8G' }, gpus: { min: 0, max: 1 }, time: { min: '0:30:00', max: '8:00:00' }, image: { choices: ['jupyter/base-notebook', 'jupyter/scipy-notebook'] } },
    },
    { name: 'fixed', partition: 'debug', memory: '2G', maxTime: '1:00:00' },
  ],
});

function refusal(fn: () => unknown): { message: string; details: Record<string, unknown> } {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return { message: e.message, details: e.details };
    throw e;
  }
  throw new Error('accepted');
}

describe('notebook options', () => {
  it('absent options are the profile\'s, normalized', () => {
    expect(resolveOptions(medium, null)).toEqual({ cpus: 2, memory: '4G', memoryMB: 4096, gpus: 0, time: '8:00:00', timeMinutes: 480, image: 'jupyter/base-notebook' });
    expect(defaultOptions(fixed)).toMatchObject({ cpus: 1, memory: '2G', time: '1:00:00', image: null });
  });

  it('coerces form strings (and one-element lists, as JupyterHub\'s options_from_form gives) and normalizes the grammars', () => {
    expect(resolveOptions(medium, { cpus: '3', memory: '6144M', gpus: ['1'], time: '90', image: 'jupyter/scipy-notebook' })).toEqual({
      cpus: 3,
      memory: '6G',
      memoryMB: 6144,
      gpus: 1,
      time: '1:30:00',
      timeMinutes: 90,
      image: 'jupyter/scipy-notebook',
    });
    expect(resolveOptions(medium, { memory: '1536M', time: '0-2' })).toMatchObject({ memory: '1536M', time: '2:00:00' });
    // Empty form fields mean "the default".
    expect(resolveOptions(medium, { cpus: '', memory: null })).toMatchObject({ cpus: 2, memory: '4G' });
  });

  it('out of bounds names the field and the allowed range', () => {
    expect(refusal(() => resolveOptions(medium, { cpus: 5 }))).toEqual({ message: 'notebook option cpus = 5 is out of bounds: allowed 1 to 4', details: { field: 'cpus', allowed: { min: '1', max: '4' } } });
    expect(refusal(() => resolveOptions(medium, { memory: '16G' })).details).toEqual({ field: 'memory', allowed: { min: '1G', max: '8G' } });
    expect(refusal(() => resolveOptions(medium, { time: '10' })).message).toBe('notebook option time = 0:10:00 is out of bounds: allowed 0:30:00 to 8:00:00');
    expect(refusal(() => resolveOptions(medium, { time: 'UNLIMITED' })).details).toMatchObject({ field: 'time' });
    expect(refusal(() => resolveOptions(medium, { image: 'evil/miner' }))).toEqual({
      message: 'notebook option image = "evil/miner" is not offered: allowed jupyter/base-notebook, jupyter/scipy-notebook',
      details: { field: 'image', allowed: ['jupyter/base-notebook', 'jupyter/scipy-notebook'] },
    });
  });

  it('malformed values and unknown options are refused by name', () => {
    expect(refusal(() => resolveOptions(medium, { cpus: '2.5' })).details).toMatchObject({ field: 'cpus' });
    expect(refusal(() => resolveOptions(medium, { cpus: true })).message).toBe('notebook option cpus must be a number or a string, got boolean');
    expect(refusal(() => resolveOptions(medium, { memory: 'lots' })).message).toMatch(/^notebook option memory = "lots" is invalid: /);
    expect(refusal(() => resolveOptions(medium, { colour: 'red' })).details).toEqual({ field: 'colour', allowed: ['cpus', 'memory', 'gpus', 'time', 'image'] });
    expect(refusal(() => resolveOptions(medium, ['cpus'])).details).toMatchObject({ field: 'options' });
  });

  it('an option the profile does not let users change is accepted only with the profile\'s own value', () => {
    expect(changeable(fixed)).toEqual([]);
    expect(resolveOptions(fixed, { cpus: '1', memory: '2048M' })).toMatchObject({ cpus: 1, memory: '2G' });
    expect(refusal(() => resolveOptions(fixed, { cpus: 2 }))).toEqual({ message: 'notebook option cpus cannot be changed in profile fixed; options users may change: none', details: { field: 'cpus', allowed: [] } });
    expect(refusal(() => resolveOptions(fixed, { image: 'x' })).details).toEqual({ field: 'image', allowed: [] });
  });
});

describe('notebook profiles in the site file', () => {
  const bad = (profile: Record<string, unknown>) => () => profiles({ profiles: [{ name: 'p', partition: 'debug', maxTime: '1:00:00', ...profile }] });

  it('refuses what could never run, naming the key', () => {
    expect(bad({ partition: 'nope' })).toThrow('notebooks.profiles.0.partition: no partition "nope" (partitions: debug, short)');
    expect(bad({ memory: 'lots' })).toThrow(/^notebooks\.profiles\.0\.memory: "lots" is not a memory size/);
    expect(bad({ maxTime: 'UNLIMITED' })).toThrow('notebooks.profiles.0.maxTime: a notebook needs a finite time');
    expect(bad({ partition: 'short' })).toThrow('notebooks.profiles.0.maxTime: 1:00:00 exceeds the maximum time of partition short (0:30:00)');
    expect(bad({ userOptions: { cpus: { min: 2, max: 4 } } })).toThrow("notebooks.profiles.0.userOptions.cpus: the profile's own value (1) lies outside min..max (2..4)");
    expect(bad({ userOptions: { time: { min: '0:10:00', max: '2:00:00' } } })).toThrow("notebooks.profiles.0.userOptions.time.max: 2:00:00 exceeds the profile's maxTime 1:00:00");
    expect(bad({ userOptions: { image: { choices: ['a'] } } })).toThrow('notebooks.profiles.0.image: a profile that offers image choices needs an image of its own');
    expect(() => profiles({ profiles: [{ name: 'p', partition: 'debug', maxTime: '1:00' }, { name: 'p', partition: 'debug', maxTime: '1:00' }] })).toThrow('notebooks.profiles.1.name: profile "p" is defined twice');
    expect(notebooksSchema.safeParse({ ports: '9999-9000' }).success).toBe(false);
    expect(notebooksSchema.safeParse({ profiles: [{ name: 'Big', partition: 'debug', maxTime: '1' }] }).success).toBe(false);
  });

  it('a users\' time range ending below maxTime makes its top the default time', () => {
    const [p] = profiles({ profiles: [{ name: 'p', partition: 'debug', maxTime: '8:00:00', userOptions: { time: { min: '1:00:00', max: '4:00:00' } } }] });
    expect(defaultOptions(p).time).toBe('4:00:00');
  });
});
