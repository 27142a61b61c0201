/**
 * Reading a line from the terminal, with or without echo (`hpcg login`'s password prompt). The
 * terminal is put in raw mode so the typed characters are never shown; Ctrl-C aborts.
 */
import { CommandError } from './cli-errors';

export interface TtyInput {
  setRawMode(mode: boolean): unknown;
  on(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  off(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  resume(): unknown;
  pause(): unknown;
}

export function readTerminalLine(input: TtyInput, write: (text: string) => void, prompt: string, echo: boolean): Promise<string> {
  // Echo off before the prompt shows, as getpass(3) does: a fast typist (or a script) answering the
  // prompt at once must not have the first characters echoed.
  input.setRawMode(true);
  write(prompt);
  return new Promise((resolve, reject) => {
    let line = '';
    const finish = (error: Error | null) => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      write('\n');
      if (error) reject(error);
      else resolve(line);
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of chunk.toString()) {
        if (ch === '\r' || ch === '\n') return finish(null);
        if (ch === '\u0003') return finish(new CommandError('interrupted'));
        if (ch === '\u0004' && line === '') return finish(null);
        if (ch === '\u007f' || ch === '\b') {
          if (line && echo) write('\b \b');
          line = [...line].slice(0, -1).join('');
        } else if (ch >= ' ') {
          line += ch;
          if (echo) write(ch);
        }
      }
    };
    input.resume();
    input.on('data', onData);
  });
}
