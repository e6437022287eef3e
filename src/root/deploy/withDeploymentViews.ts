import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { CheckoutToVerify } from '../../store/fsck/verifyCheckouts.js';
import { layersOf, type DeploymentRecord } from './deploymentState.js';
import { mountHelperArgs } from './mountReadOnly.js';

/**
 * Runs `work` with every deployment's whole tree readable: a full checkout where it is, a layered
 * one through a read-only overlayfs of its layers that is never attached anywhere (a helper
 * process holds the detached mount open; the tree is read through /proc/PID/fd/N), so fsck sees
 * what readers see, and a crash leaves no mount behind. The views close when `work` ends. A
 * deployment whose layers cannot be mounted (one was removed, say) is reported, not fatal.
 */
export async function withDeploymentViews<T>(records: readonly DeploymentRecord[], work: (checkouts: CheckoutToVerify[]) => Promise<T>): Promise<T> {
  const helpers: Array<{ helper: ReturnType<typeof spawn>; closed: Promise<unknown> }> = [];
  try {
    const checkouts: CheckoutToVerify[] = [];
    for (const record of records) {
      const layers = layersOf(record);
      if (layers.length === 1) {
        checkouts.push({ dir: record.dir, commit: record.commit });
        continue;
      }
      const helper = spawn('perl', mountHelperArgs('hold', layers), { stdio: ['pipe', 'pipe', 'pipe'] });
      // Closing the stdin of a helper that already failed is the one write that may meet EPIPE.
      helper.stdin?.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EPIPE') throw err;
      });
      const closed = once(helper, 'close');
      helpers.push({ helper, closed });
      const fd = await firstLine(helper, closed);
      if (typeof fd === 'string') {
        checkouts.push({ dir: record.dir, commit: record.commit, layers, unreadable: `its layers ${layers.join(' over ')} cannot be mounted: ${fd}` });
        continue;
      }
      // '/.': the descriptor's directory itself, not the magic link to it.
      checkouts.push({ dir: `/proc/${helper.pid}/fd/${fd}/.`, commit: record.commit, layers });
    }
    return await work(checkouts);
  } finally {
    for (const { helper, closed } of helpers) {
      helper.stdin?.end();
      await closed;
    }
  }
}

/** The descriptor number the helper prints, or what it said when it failed. */
async function firstLine(helper: ReturnType<typeof spawn>, closed: Promise<unknown>): Promise<number | string> {
  let out = '';
  let err = '';
  helper.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  for await (const chunk of helper.stdout!) {
    out += (chunk as Buffer).toString();
    const fd = /^(\d+)\n/.exec(out)?.[1];
    if (fd !== undefined) return Number(fd);
  }
  await closed;
  return err.trim() || 'the mount helper ended early';
}
