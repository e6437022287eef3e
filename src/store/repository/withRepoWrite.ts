import { createRefTransaction, type RefTransaction } from '../refs/refTransaction.js';
import { withRepoLock } from './repoLock.js';
import type { Repository } from './repository.js';

/**
 * A write to the repository: under its lock, with one ref transaction that is applied (flush,
 * then refs) only when `write` succeeds. A failure leaves every ref as it was.
 */
export async function withRepoWrite<T>(repo: Repository, write: (refs: RefTransaction) => Promise<T>): Promise<T> {
  return withRepoLock(repo, async () => {
    const refs = createRefTransaction(repo);
    const result = await write(refs);
    await refs.commit();
    return result;
  });
}
