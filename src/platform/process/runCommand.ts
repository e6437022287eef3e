import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { HacktreeError } from '../../errors/HacktreeError.js';

export interface CommandResult {
  status: number;
  stdout: Buffer;
  /** stdout and stderr interleaved as the command wrote them, as text. */
  output: string;
}

/**
 * Runs a command without a shell and collects what it printed; a non-zero status is returned,
 * not thrown (the caller names the step that failed). A command that cannot start at all is
 * EXTERNAL_COMMAND_FAILED.
 */
export interface RunCommandOptions {
  cwd?: string;
  input?: Buffer;
  /** A new file (never overwritten) that receives stdout, for output too big to hold. */
  stdoutFile?: string;
}

export function runCommand(command: string, args: readonly string[], options: RunCommandOptions = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const stdoutFd = options.stdoutFile === undefined ? undefined : openSync(options.stdoutFile, 'wx', 0o644);
    const child = spawn(command, args, { cwd: options.cwd, stdio: ['pipe', stdoutFd ?? 'pipe', 'pipe'] });
    if (stdoutFd !== undefined) closeSync(stdoutFd);
    const stdout: Buffer[] = [];
    const output: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout.push(chunk);
      output.push(chunk);
    });
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk));
    child.stdin!.on('error', () => {
      // The command may exit without reading its input (patch on a bad option): its status says why.
    });
    child.on('error', (err) =>
      reject(new HacktreeError('EXTERNAL_COMMAND_FAILED', `cannot run ${command}: ${err.message}`, { hint: `install ${command}`, cause: err })),
    );
    child.on('close', (code, signal) =>
      resolve({ status: code ?? 128, stdout: Buffer.concat(stdout), output: Buffer.concat(output).toString('utf8') + (signal ? `\nkilled by ${signal}` : '') }),
    );
    child.stdin!.end(options.input);
  });
}
