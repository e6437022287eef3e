import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { overlayMountOptions, type ShadowTree } from './shadowTree.js';

/** Where the scripts' directory is bound, read-only, inside the sandbox (on its private /tmp). */
export const SCRIPTS_MOUNT = '/tmp/hacktree-config.d';

const SANDBOX_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * What a config script may do as root in its sandbox: file administration (owners, modes,
 * capabilities, users). Not mounting, not making device nodes, not loading modules or reading
 * raw devices: those are the ways out of a shadow.
 */
const SANDBOX_CAPS = ['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID', 'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_SYS_CHROOT', 'CAP_AUDIT_WRITE'];

// Mounts the shadow's overlay in the private mount namespace unshare made, then becomes bwrap.
const MOUNT_THEN_SANDBOX = 'mount -t overlay hacktree-shadow -o "$1" "$2" || exit 125; shift 2; exec "$@"';

export interface ShadowCommand {
  shadow: ShadowTree;
  /** Bound read-only at SCRIPTS_MOUNT. */
  scriptsDir: string;
  /** The command inside the sandbox. */
  argv: string[];
  /** An interactive shell keeps the terminal: no new session. */
  interactive: boolean;
}

/**
 * Starts a command whose `/` is the shadow, read-write: `unshare -m` gives the overlay mount a
 * private namespace (it vanishes with the process, crash or not), bubblewrap gives /proc, /dev,
 * a private /tmp, no network, a clean environment and kills the sandbox when hacktree dies.
 * fd 3 carries bwrap's JSON status (a "child-pid" record means the sandbox started).
 */
export function spawnInShadow(command: ShadowCommand): ChildProcess {
  const { shadow } = command;
  const bwrap = [
    'bwrap', '--bind', shadow.merged, '/', '--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp',
    '--ro-bind', command.scriptsDir, SCRIPTS_MOUNT,
    '--unshare-net', '--unshare-pid', '--unshare-ipc', '--unshare-uts', '--die-with-parent',
    ...(command.interactive ? [] : ['--new-session']),
    '--cap-drop', 'ALL', ...SANDBOX_CAPS.flatMap((cap) => ['--cap-add', cap]),
    '--clearenv', '--setenv', 'PATH', SANDBOX_PATH, '--setenv', 'HOME', '/root', '--setenv', 'LC_ALL', 'C',
    ...(command.interactive && process.env.TERM ? ['--setenv', 'TERM', process.env.TERM] : []),
    '--chdir', '/', '--json-status-fd', '3', '--', ...command.argv,
  ];
  const stdio: StdioOptions = command.interactive ? ['inherit', 'inherit', 'inherit', 'pipe'] : ['ignore', 'pipe', 'pipe', 'pipe'];
  return spawn(
    'unshare',
    ['-m', '--propagation', 'private', '--', '/bin/sh', '-c', MOUNT_THEN_SANDBOX, 'sh', overlayMountOptions(shadow), shadow.merged, ...bwrap],
    { stdio, detached: !command.interactive },
  );
}
