import { EventEmitter } from 'node:events';
import { readTerminalLine } from './terminal-input';

class FakeTty extends EventEmitter {
  raw: boolean[] = [];
  setRawMode(mode: boolean) {
    this.raw.push(mode);
  }
  resume() {}
  pause() {}
  type(text: string) {
    this.emit('data', Buffer.from(text));
  }
}

describe('terminal input', () => {
  it('reads a password in raw mode without echoing it, handles backspace, restores the terminal', async () => {
    const tty = new FakeTty();
    const shown: string[] = [];
    // Echo is off before the prompt appears: an answer typed at once is not echoed either.
    const line = readTerminalLine(tty, (t) => shown.push(`${t}${tty.raw.length ? '' : ' (echo still on)'}`), 'Password: ', false);
    tty.type('s3cr');
    tty.type('x\u007fet\r');
    expect(await line).toBe('s3cret');
    expect(shown.join('')).toBe('Password: \n');
    expect(tty.raw).toEqual([true, false]);
  });

  it('echoes a user name as typed', async () => {
    const tty = new FakeTty();
    const shown: string[] = [];
    const line = readTerminalLine(tty, (t) => shown.push(t), 'User: ', true);
    tty.type('bob\n');
    expect(await line).toBe('bob');
    expect(shown.join('')).toBe('User: bob\n');
  });

  it('Ctrl-C aborts', async () => {
    const tty = new FakeTty();
    const line = readTerminalLine(tty, () => undefined, 'Password: ', false);
    tty.type('ab\u0003');
    await expect(line).rejects.toThrow('interrupted');
    expect(tty.raw).toEqual([true, false]);
  });
});
