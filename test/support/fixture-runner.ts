import type { CommandRequest, CommandResult, CommandRunner } from '../../src/engines/command-runner/command-runner';

/**
 * The CommandRunner contract answered from recorded outputs of the real tools (test/<engine>/recorded):
 * every request is kept, and `tools()` names the program each one ran (the first argument `isTool` accepts).
 */
export class FixtureRunner implements CommandRunner {
  readonly requests: CommandRequest[] = [];
  constructor(
    private readonly answer: (argv: string[]) => CommandResult | Error,
    private readonly isTool: (arg: string) => boolean = () => true,
  ) {}
  async run(request: CommandRequest): Promise<CommandResult> {
    this.requests.push(request);
    const r = this.answer(request.argv);
    if (r instanceof Error) throw r;
    return r;
  }
  describe(): string {
    return 'fixtures';
  }
  async close(): Promise<void> {}
  tools(): string[] {
    return this.requests.map((r) => r.argv.find(this.isTool) ?? r.argv[0]);
  }
}
