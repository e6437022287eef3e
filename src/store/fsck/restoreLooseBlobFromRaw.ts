import { lstatSync, rmSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoOf } from '../../errors/errnoOf.js';
import { objectHeader } from '../../model/git/gitObject.js';
import type { Oid } from '../../model/git/oid.js';
import { hashFileAsBlob } from '../objects/hashFileAsBlob.js';
import { looseObjectPath, writeFramedObject } from '../objects/objectStore.js';
import type { Repository } from '../repository/repository.js';

/**
 * Git objects are canonical, but a blob's content may also sit in the raw cache: when a raw
 * file with this id still hashes right, the loose object is rewritten from it. Returns the raw
 * file used, or null when there is none intact.
 */
export async function restoreLooseBlobFromRaw(repo: Repository, oid: Oid): Promise<string | null> {
  const fanDir = join(repo.rawDir, oid.slice(0, 2));
  let names: string[];
  try {
    names = await readdir(fanDir);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return null;
    throw err;
  }
  for (const name of names.filter((n) => n.startsWith(`${oid.slice(2)}.`))) {
    const path = join(fanDir, name);
    if (hashFileAsBlob(path) !== oid) continue;
    const content = await readFile(path);
    const loose = looseObjectPath(repo, oid);
    // A directory or fifo in the object's place would fail the rename over it.
    if (lstatSync(loose, { throwIfNoEntry: false })?.isFile() === false) rmSync(loose, { recursive: true, force: true });
    writeFramedObject(repo, loose, Buffer.concat([objectHeader('blob', content.length), content]));
    return path;
  }
  return null;
}
