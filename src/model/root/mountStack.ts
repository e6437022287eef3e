import { dirname } from 'node:path/posix';

/** One line of /proc/PID/mountinfo: its id, its parent's id, and where it is mounted. */
export interface MountInfo {
  id: string;
  parent: string;
  point: string;
}

export function parseMountInfo(text: string): MountInfo[] {
  return text.split('\n').flatMap((line) => {
    const [id, parent, , , point] = line.split(' ');
    return point === undefined ? [] : [{ id: id!, parent: parent!, point: unescapeMountinfo(point) }];
  });
}

export function unescapeMountinfo(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/**
 * The mounts stacked at `path` that are seen there, bottom first: the chain that starts with a
 * mount on the mount holding `path`'s directory, each next one mounted on the one before at the
 * same point (a mount made beneath another sits between its parent and the mount it went
 * under). A mount at `path` covered by a later mount on a directory above it (a bind mount over
 * the prefix) is not seen: its parent is not the mount the directory is on now.
 */
export function mountsStackedAt(mounts: readonly MountInfo[], path: string): MountInfo[] {
  const dir = dirname(path);
  const deepest = mounts
    .filter((m) => m.point === '/' || dir === m.point || dir.startsWith(`${m.point}/`))
    .reduce((longest, m) => Math.max(longest, m.point.length), -1);
  // Of the mounts at the deepest point above `path`, the one seen is the top of their stack.
  const atDir = mounts.filter((m) => m.point.length === deepest && (m.point === '/' || dir === m.point || dir.startsWith(`${m.point}/`)));
  const holder = atDir.find((m) => !atDir.some((other) => other.parent === m.id));
  const stack: MountInfo[] = [];
  for (let below = holder; below !== undefined; ) {
    const on = below;
    below = mounts.find((m) => m.point === path && m.parent === on.id);
    if (below !== undefined) stack.push(below);
  }
  return stack;
}
