import { runConfigCommand } from '../config-cli';

/** `config check|migrate ...` run in-process with no env: exit code, stdout and stderr text. */
export function runConfigCli(...args: string[]): { code: number; out: string; err: string } {
  const out: string[] = [];
  const err: string[] = [];
  const code = runConfigCommand(args, {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    env: {},
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
