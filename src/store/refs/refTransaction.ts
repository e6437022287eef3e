import type { Oid } from '../../model/git/oid.js';
import { updateRef } from './refs.js';
import type { Repository } from '../repository/repository.js';
import { syncRepository } from '../repository/syncRepository.js';

/**
 * Ref moves gathered while objects are written, then applied together: one filesystem flush,
 * then every ref. A process that dies before `commit` leaves only unreferenced objects, which
 * are harmless (the next run reuses them).
 */
export interface RefTransaction {
  /** Queues a move of `ref` to `oid`, guarded by its expected current value (null: absent). */
  set(ref: string, oid: Oid, expected: Oid | null): void;
  /** The queued target of a ref, if this transaction moves it. */
  pending(ref: string): Oid | undefined;
  commit(): Promise<void>;
}

export function createRefTransaction(repo: Repository): RefTransaction {
  const moves = new Map<string, { oid: Oid; expected: Oid | null }>();
  return {
    set(ref, oid, expected) {
      const earlier = moves.get(ref);
      moves.set(ref, { oid, expected: earlier ? earlier.expected : expected });
    },
    pending: (ref) => moves.get(ref)?.oid,
    async commit() {
      if (moves.size === 0) return;
      syncRepository(repo);
      for (const [ref, { oid, expected }] of moves) await updateRef(repo, ref, oid, expected);
      moves.clear();
    },
  };
}
