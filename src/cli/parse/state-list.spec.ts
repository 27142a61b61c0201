import { JOB_STATES } from '../../domain/job';
import { parseStateList, StateNameError } from './state-list';

describe('parseStateList', () => {
  it('accepts compact and long names in any case; PENDING includes held jobs', () => {
    expect([...parseStateList('pd,R,completed,Ca')].sort()).toEqual(['CANCELLED', 'COMPLETED', 'HELD', 'PENDING', 'RUNNING']);
  });

  it('maps OOM, TO, NF and S', () => {
    expect([...parseStateList('OOM,to,NODE_FAIL,s')].sort()).toEqual(['NODE_FAIL', 'OUT_OF_MEMORY', 'SUSPENDED', 'TIMEOUT']);
  });

  it('"all" means every state', () => expect(parseStateList('all').size).toBe(JOB_STATES.length));

  it('accepts Slurm states the gateway never has, matching nothing', () => {
    expect(parseStateList('CG,CONFIGURING,PREEMPTED').size).toBe(0);
  });

  it('names the unknown state', () => {
    expect(() => parseStateList('R,xx')).toThrow(StateNameError);
    expect(() => parseStateList('R,xx')).toThrow('invalid job state "xx"');
  });

  it('restricts to the allowed names (scancel -t takes PENDING, RUNNING, SUSPENDED)', () => {
    const allowed = ['PENDING', 'RUNNING', 'SUSPENDED'];
    expect([...parseStateList('r,PD', allowed)].sort()).toEqual(['HELD', 'PENDING', 'RUNNING']);
    expect(() => parseStateList('CD', allowed)).toThrow(StateNameError);
    expect(() => parseStateList('all', allowed)).toThrow(StateNameError);
  });
});
