import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { release } from 'node:os';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { errnoOf } from '../../errors/errnoOf.js';
import { splitRdev } from '../../model/snapshot/deviceNumbers.js';
import { mountsStackedAt, parseMountInfo, unescapeMountinfo } from '../../model/root/mountStack.js';

// Node has no binding for the new mount API; perl (perl-base, on every Debian) can make the
// syscalls. KIND "bind" clones the tree at SOURCE, "overlay" makes a read-only overlayfs whose
// lowerdir option is SOURCE; both are made read-only, detached. Mode "attach" mounts it at
// PUBLIC; "beneath" slides it under the mount already at PUBLIC (MOVE_MOUNT_BENEATH, Linux >=
// 6.5), so that unmounting the top one switches readers from the old tree to the new with no
// moment where PUBLIC is empty; "hold" prints the detached mount's descriptor and keeps it open
// until its stdin closes: a view reached through /proc/PID/fd/N that no crash can leave behind.
const MOUNT_SCRIPT = `
use strict; use warnings;
my ($mode, $kind, $source, $pub) = @ARGV;
my ($SYS_open_tree, $SYS_move_mount, $SYS_fsopen, $SYS_fsconfig, $SYS_fsmount, $SYS_mount_setattr) = (428, 429, 430, 431, 432, 442);
my ($OPEN_TREE_CLONE, $OPEN_TREE_CLOEXEC, $AT_EMPTY_PATH) = (1, 0x80000, 0x1000);
my ($MOVE_MOUNT_F_EMPTY_PATH, $MOVE_MOUNT_BENEATH, $MOUNT_ATTR_RDONLY) = (0x4, 0x200, 0x1);
my ($FSCONFIG_SET_STRING, $FSCONFIG_CMD_CREATE) = (1, 6);
my $AT_FDCWD = -100;
sub fail { my ($what) = @_; my $n = $! + 0; print STDERR "$what: errno=$n: $!\\n"; exit 1; }
my $fd;
my $empty = '';
if ($kind eq 'overlay') {
  my ($type, $key) = ('overlay', 'lowerdir');
  my $fs = syscall($SYS_fsopen, $type, 1);
  fail("fsopen") if $fs < 0;
  syscall($SYS_fsconfig, $fs, $FSCONFIG_SET_STRING, $key, $source, 0) == 0 or fail("fsconfig");
  syscall($SYS_fsconfig, $fs, $FSCONFIG_CMD_CREATE, 0, 0, 0) == 0 or fail("fsconfig create");
  $fd = syscall($SYS_fsmount, $fs, 1, $MOUNT_ATTR_RDONLY);
  fail("fsmount") if $fd < 0;
} else {
  $fd = syscall($SYS_open_tree, $AT_FDCWD, $source, $OPEN_TREE_CLONE | $OPEN_TREE_CLOEXEC);
  fail("open_tree") if $fd < 0;
  my $attr = pack('QQQQ', $MOUNT_ATTR_RDONLY, 0, 0, 0);
  syscall($SYS_mount_setattr, $fd, $empty, $AT_EMPTY_PATH, $attr, length $attr) == 0 or fail("mount_setattr");
}
if ($mode eq 'hold') { $| = 1; print "$fd\\n"; my $rest = <STDIN>; exit 0; }
my $flags = $MOVE_MOUNT_F_EMPTY_PATH | ($mode eq 'beneath' ? $MOVE_MOUNT_BENEATH : 0);
syscall($SYS_move_mount, $fd, $empty, $AT_FDCWD, $pub, $flags) == 0 or fail("move_mount");
`;

/** Linux >= 6.5 can mount beneath a mount, which makes the switch atomic. */
export function kernelCanMountBeneath(kernelRelease = release()): boolean {
  const m = /^(\d+)\.(\d+)/.exec(kernelRelease);
  return m !== null && (Number(m[1]) > 6 || (Number(m[1]) === 6 && Number(m[2]) >= 5));
}

/** How many mounts are stacked at `path` and seen there (mountsStackedAt, by /proc/self/mountinfo). */
export function countMountsAt(path: string): number {
  return mountsStackedAt(parseMountInfo(readFileSync('/proc/self/mountinfo', 'utf8')), path).length;
}

/** True when `a` and `b` are the same directory: a bind mount's root is its source's inode. */
export function isSameDirectory(a: string, b: string): boolean {
  try {
    const sa = statSync(a);
    const sb = statSync(b);
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch (err) {
    if (errnoOf(err) === 'ENOENT' || errnoOf(err) === 'ENOTDIR') return false;
    throw err;
  }
}

/**
 * What `publicPath` shows when the top mount there is a read-only overlayfs: its lower layers,
 * topmost first (the mount whose device is the one `publicPath` is on); null for anything else.
 */
export function overlayLayersAt(publicPath: string): string[] | null {
  let dev;
  try {
    dev = splitRdev(BigInt(statSync(publicPath).dev));
  } catch (err) {
    if (errnoOf(err) === 'ENOENT' || errnoOf(err) === 'ENOTDIR') return null;
    throw err;
  }
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const fields = line.split(' ');
    if (fields[4] === undefined || unescapeMountinfo(fields[4]) !== publicPath || fields[2] !== `${dev.major}:${dev.minor}`) continue;
    const separator = fields.indexOf('-', 6);
    if (separator < 0 || fields[separator + 1] !== 'overlay') return null;
    const lower = (fields[separator + 3] ?? '').split(',').find((option) => option.startsWith('lowerdir='));
    return lower === undefined ? null : unescapeMountinfo(lower.slice('lowerdir='.length)).split(':');
  }
  return null;
}

/** Whether `publicPath` shows the tree made of `layers` (one: a bind mount of it; more: an overlayfs of them). */
export function isShowing(publicPath: string, layers: readonly string[]): boolean {
  if (layers.length === 1) return isSameDirectory(publicPath, layers[0]!);
  return overlayLayersAt(publicPath)?.join(':') === layers.join(':');
}

/**
 * Publishes the tree of `layers` read-only at `publicPath` (one layer: a bind mount of that
 * directory; more: a read-only overlayfs of them, topmost first): a fresh mount when nothing is
 * mounted there, else mounted beneath the current one, which is then lazily unmounted (processes
 * with files open in it keep them). Before Linux 6.5 the old mount goes first: a window of about
 * a millisecond in which `publicPath` shows the empty mount point.
 */
export function publishReadOnly(layers: readonly string[], publicPath: string): void {
  if (countMountsAt(publicPath) === 0) {
    attachReadOnly(layers, publicPath, 'attach');
  } else if (kernelCanMountBeneath()) {
    attachReadOnly(layers, publicPath, 'beneath');
    unmountTop(publicPath);
  } else {
    unmountTop(publicPath);
    attachReadOnly(layers, publicPath, 'attach');
  }
}

/** Lazily detaches the topmost mount at `publicPath`. */
export function unmountTop(publicPath: string): void {
  runMountCommand('umount', ['-l', publicPath]);
}

/** The mount helper's arguments for the tree of `layers`. */
export function mountHelperArgs(mode: 'attach' | 'beneath' | 'hold', layers: readonly string[], publicPath = ''): string[] {
  const [kind, source] = layers.length === 1 ? ['bind', layers[0]!] : ['overlay', layers.join(':')];
  return ['-e', MOUNT_SCRIPT, mode, kind, source, publicPath];
}

function attachReadOnly(layers: readonly string[], publicPath: string, mode: 'attach' | 'beneath'): void {
  const result = spawnSync('perl', mountHelperArgs(mode, layers, publicPath), { encoding: 'utf8' });
  if (result.status === 0) return;
  const stderr = `${result.stderr ?? ''}${result.error ? String(result.error) : ''}`.trim();
  if (/errno=38\b/.test(stderr) && mode === 'attach') {
    // Kernels before 5.12 lack mount_setattr (before 5.2, fsopen): the mount(8) way.
    if (layers.length === 1) {
      runMountCommand('mount', ['--bind', layers[0]!, publicPath]);
      runMountCommand('mount', ['-o', 'remount,bind,ro', publicPath]);
    } else {
      runMountCommand('mount', ['-t', 'overlay', 'overlay', '-o', `ro,lowerdir=${layers.join(':')}`, publicPath]);
    }
    return;
  }
  throw mountFailure(`mounting ${layers.join(' over ')} read-only at ${publicPath} failed: ${stderr}`, /errno=1\b/.test(stderr), { layers, publicPath });
}

function runMountCommand(command: string, args: string[]): void {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status === 0) return;
  const stderr = `${result.stderr ?? ''}${result.error ? String(result.error) : ''}`.trim();
  throw mountFailure(`${command} ${args.join(' ')} failed: ${stderr}`, /permission denied|not permitted|must be superuser/i.test(stderr), { command, args });
}

function mountFailure(message: string, notPermitted: boolean, data: Record<string, unknown>): HacktreeError {
  if (notPermitted) return notPermittedError(message);
  return new HacktreeError('EXTERNAL_COMMAND_FAILED', message, { data });
}

/** Deploying mounts, which needs root; checking out does not. */
export function notPermittedError(message = 'deploying a root mounts it, which needs root'): HacktreeError {
  return new HacktreeError('NOT_PERMITTED', message, {
    hint: 'run it as root (sudo); without root, "hacktree checkout REF DEST" makes a hardlinked checkout and "hacktree root run NAME -- CMD" runs a command inside a root',
  });
}

export function requireRootUser(): void {
  if (process.getuid?.() !== 0) throw notPermittedError();
}
