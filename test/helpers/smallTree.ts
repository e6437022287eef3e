import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A small tree with one of each thing a root holds: plain files, a setuid binary, a file with
 * an odd owner and an xattr, a symlink, an empty directory and a fifo. Made as root (tests run so).
 */
export function makeSmallTree(dir: string): void {
  mkdirSync(join(dir, 'usr/bin'), { recursive: true });
  mkdirSync(join(dir, 'etc'));
  mkdirSync(join(dir, 'var/empty'), { recursive: true });
  writeFileSync(join(dir, 'etc/greeting'), 'hello\n');
  chownSync(join(dir, 'etc/greeting'), 12, 34);
  run('setfattr', '-n', 'user.note', '-v', 'kept', join(dir, 'etc/greeting'));
  writeFileSync(join(dir, 'usr/bin/tool'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 0xff]));
  chmodSync(join(dir, 'usr/bin/tool'), 0o4755);
  symlinkSync('usr/bin', join(dir, 'bin'));
  run('mkfifo', join(dir, 'var/pipe'));
}

export function run(command: string, ...args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}${result.error?.message ?? ''}`);
  return result.stdout;
}
