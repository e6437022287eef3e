import { open } from 'node:fs/promises';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { HacktreeError, isHacktreeError } from '../../errors/HacktreeError.js';
import type { Xattr } from '../../model/snapshot/fsEntry.js';
import { decodePaxRecords } from '../../model/tar/paxRecords.js';
import { ACL_ACCESS_XATTR, ACL_DEFAULT_XATTR, encodeAclXattr, isMinimalAcl, modeUnderAcl, parseAclText, type AclNameResolver } from '../../model/tar/posixAcl.js';
import { checkSegments, parseOldGnuSparse, parseSparseMapPrefix, sparseMapOfPax, storedSize, type SparseMap, type SparseSegment } from '../../model/tar/sparseMap.js';
import { decodePathBytes } from '../../model/snapshot/pathBytes.js';
import { BLOCK_SIZE, decodeHeader, entryTypeOf, isZeroBlock, type TarHeader } from '../../model/tar/tarHeader.js';
import type { TarMember } from '../../model/tar/tarMember.js';
import { tarMemberOfHeader } from '../../model/tar/tarMemberOfHeader.js';
import { applyOverrides, applyPaxRecords, emptyOverrides, sortedXattrs, type TarOverrides } from '../../model/tar/tarOverrides.js';
import { createByteReader, type ByteReader } from './byteReader.js';
import { hostAccountIds } from '../../platform/fs/hostAccountIds.js';

/**
 * hacktree reads tarballs with its own codec, not node-tar: node-tar's pax parser drops
 * SCHILY.xattr.* records and truncates values at NUL, so binary xattrs (security.capability)
 * would not survive an import.
 */
export type OnTarMember = (member: TarMember, content: Buffer | TarContentStream | null) => void | Promise<void>;

/**
 * A file too big to hand over whole: its content in order, read from the archive as the
 * consumer iterates (once, before onMember's promise settles).
 */
export interface TarContentStream {
  size: number;
  chunks: AsyncIterable<Buffer>;
}

/** Files up to this size come whole; bigger ones (and any of 4 GiB and more, past a Buffer's limit) stream. */
export const WHOLE_CONTENT_BYTES = 8 << 20;
const PIECE = 1 << 20;
const ZERO_PIECE = Buffer.alloc(PIECE);

const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);
/** Extended headers hold names and xattrs; anything bigger is damage, not data. */
const MAX_EXTENDED_HEADER = 16 * 1024 * 1024;
const TRUNCATED_HINT = 'the file was cut short (an interrupted download or copy?); fetch or build it again';
const GZIP_HINT = 'the file is damaged or was cut short; fetch or build it again';
const NOT_TAR_HINT = 'give a .tar.gz or .tar file';

/** Where the reader is, for error messages: the member being read and its header's offset. */
interface Position {
  file: string;
  member: number;
  name?: string;
  offset: number;
}

/**
 * Streams a tarball (gzip-compressed or plain) and calls `onMember` for each member in order,
 * with a file's content (whole up to WHOLE_CONTENT_BYTES, else a stream; other members get
 * null), waiting for it before reading on: at most one member's content is in memory at a time
 * and nothing is extracted. Sparse members (GNU 'S', pax 0.0/0.1/1.0) come expanded, holes as
 * zeros; `tar --acls` records come as system.posix_acl_* xattrs. Member paths and
 * hardlink targets go through parseRepoPath (UNSAFE_PATH); any damage is TAR_INVALID naming
 * the file and the member.
 */
export async function readTarball(path: string, onMember: OnTarMember): Promise<void> {
  const handle = await open(path, 'r');
  let stream: Readable;
  let compressed: boolean;
  try {
    const magic = Buffer.alloc(2);
    const { bytesRead } = await handle.read(magic, 0, 2, 0);
    compressed = bytesRead === 2 && magic.equals(GZIP_MAGIC);
    const raw = handle.createReadStream({ start: 0, highWaterMark: 256 * 1024 });
    // Errors reach us through the last stream's iterator; the callback has nothing left to do.
    stream = compressed ? pipeline(raw, createGunzip({ chunkSize: 64 * 1024 }), () => {}) : raw;
  } catch (err) {
    await handle.close();
    throw err;
  }
  const at: Position = { file: path, member: 1, offset: 0 };
  const reader = createByteReader(stream, (err) => translateStreamError(err, at));
  try {
    await readMembers(reader, at, compressed, onMember);
  } finally {
    await reader.close();
  }
}

async function readMembers(reader: ByteReader, at: Position, compressed: boolean, onMember: OnTarMember): Promise<void> {
  const accountIds = hostAccountIds();
  const globals = emptyOverrides();
  let local = emptyOverrides();
  let pendingExtended = false;
  for (;;) {
    at.offset = reader.position();
    at.name = undefined;
    const block = await reader.read(BLOCK_SIZE);
    if (block.length === 0) {
      if (at.offset === 0) throw invalid(at, 'the archive is empty', 'give a tarball that holds at least the "." directory');
      if (pendingExtended) throw invalid(at, 'the archive ends after an extended header', TRUNCATED_HINT);
      return; // No end-of-archive blocks, but EOF on a header boundary: GNU tar accepts this too.
    }
    if (block.length < BLOCK_SIZE && at.offset === 0) throw notTar(at, compressed, `only ${block.length} bytes`);
    if (block.length < BLOCK_SIZE) throw invalid(at, 'the archive ends in the middle of a header', TRUNCATED_HINT);
    if (isZeroBlock(block)) {
      if (pendingExtended) throw invalid(at, 'an extended header is followed by the end of the archive', TRUNCATED_HINT);
      await checkEnd(reader, at);
      // gzip's CRC-32 and length trailer comes after the archive's zero padding (often KBs, up
      // to a whole tar record): read to the end, or damage only the trailer reveals, and a cut
      // within the padding, would go unnoticed and damaged content would be imported.
      if (compressed) await drain(reader);
      return;
    }
    const header = decodeWithContext(block, at, compressed);
    const type = entryTypeOf(header.typeflag);
    if (type === undefined) {
      at.name = header.name;
      throw invalid(at, `unsupported member type ${JSON.stringify(header.typeflag)}`,
        'hacktree reads regular and sparse files, directories, symlinks, hardlinks, devices and fifos; recreate the archive with GNU tar --format=posix');
    }
    switch (type) {
      case 'paxLocal':
      case 'paxGlobal': {
        const data = await readExtendedData(reader, header, at);
        inContext(at, () => applyPaxRecords(decodePaxRecords(data), type === 'paxLocal' ? local : globals, type === 'paxLocal' ? 'local' : 'global'));
        pendingExtended ||= type === 'paxLocal';
        continue;
      }
      case 'gnuLongName':
      case 'gnuLongLink': {
        const data = await readExtendedData(reader, header, at);
        const nul = data.indexOf(0);
        const text = decodePathBytes(data, 0, nul < 0 ? data.length : nul);
        // A pax path or linkpath, where both exist, wins: it is the newer convention.
        if (type === 'gnuLongName') local.path ??= text;
        else local.linkpath ??= text;
        pendingExtended = true;
        continue;
      }
    }
    // The old GNU sparse header keeps its map in the header block (and extension blocks after it).
    const sparse = type === 'gnuSparse' ? await readOldGnuSparse(reader, block, at)
      : local.sparse ? inContext(at, () => sparseMapOfPax(local.sparse!)) : undefined;
    const effective = applyOverrides(header, mergeOverrides(globals, local));
    if (sparse?.name !== undefined) effective.name = sparse.name;
    at.name = effective.name;
    // Old (pre-POSIX) tars wrote directories as regular files named with a trailing '/': GNU
    // tar and bsdtar extract those as directories, and so do we.
    const memberType = type === 'gnuSparse' ? 'file' : type;
    const kind = memberType === 'file' && effective.name.endsWith('/') ? 'dir' : memberType;
    const realSize = sparse ? sparse.realSize : effective.size;
    const xattrs = inContext(at, () => xattrsWithAcls(local, accountIds));
    const member = inContext(at, () =>
      tarMemberOfHeader({ ...effective, size: realSize, mode: modeUnderAcl(effective.mode, xattrs) }, kind, xattrs, `${at.file}: member ${at.member}`));
    if (member.kind !== 'file') {
      await skipData(reader, effective.size, at);
    } else if (!sparse && effective.size <= WHOLE_CONTENT_BYTES) {
      await onMember(member, await readContent(reader, effective.size, at));
    } else {
      const data = { left: effective.size };
      const segments = sparse?.segments ?? (sparse ? await readSparseMapPrefix(reader, data, sparse.realSize, at) : [{ offset: 0, size: realSize }]);
      if (storedSize(segments) > data.left) {
        throw invalid(at, `the sparse map holds ${storedSize(segments)} bytes of data but the member only ${data.left}`, 'the archive is damaged');
      }
      const chunks = expandSegments(reader, segments, realSize, data, at);
      if (realSize <= WHOLE_CONTENT_BYTES) await onMember(member, await collect(chunks, realSize));
      else await onMember(member, { size: realSize, chunks });
      await skipData(reader, data.left, at, effective.size);
    }
    if (member.kind !== 'file') await onMember(member, null);
    local = emptyOverrides();
    pendingExtended = false;
    at.member++;
  }
}

/**
 * A file's content, `size` bytes of it with holes as zeros, read lazily from the archive's
 * stored segments; `data.left` counts the member's data bytes not read yet, so the caller can
 * skip whatever the consumer did not read.
 */
async function* expandSegments(reader: ByteReader, segments: readonly SparseSegment[], size: number, data: { left: number }, at: Position): AsyncGenerator<Buffer> {
  let done = 0;
  for (const segment of [...segments, { offset: size, size: 0 }]) {
    for (; done < segment.offset; ) {
      const hole = Math.min(PIECE, segment.offset - done);
      done += hole;
      yield ZERO_PIECE.subarray(0, hole);
    }
    for (let left = segment.size; left > 0; ) {
      const piece = await reader.read(Math.min(PIECE, left));
      data.left -= piece.length;
      if (piece.length === 0) throw invalid(at, 'the archive ends in the middle of the file', TRUNCATED_HINT);
      left -= piece.length;
      done += piece.length;
      yield piece;
    }
  }
}

async function collect(chunks: AsyncIterable<Buffer>, size: number): Promise<Buffer> {
  const content = Buffer.alloc(size);
  let at = 0;
  for await (const chunk of chunks) at += chunk.copy(content, at);
  return content;
}

/** Pax 1.0 keeps the map in whole blocks at the start of the member's data. */
async function readSparseMapPrefix(reader: ByteReader, data: { left: number }, realSize: number, at: Position): Promise<SparseSegment[]> {
  const blocks: Buffer[] = [];
  for (;;) {
    if (data.left < BLOCK_SIZE || blocks.length * BLOCK_SIZE >= MAX_EXTENDED_HEADER) {
      throw invalid(at, 'the sparse map at the start of the member data does not end', 'the archive is damaged');
    }
    const block = Buffer.from(await reader.read(BLOCK_SIZE));
    if (block.length < BLOCK_SIZE) throw invalid(at, 'the archive ends in the middle of a sparse map', TRUNCATED_HINT);
    data.left -= BLOCK_SIZE;
    blocks.push(block);
    const parsed = inContext(at, () => parseSparseMapPrefix(Buffer.concat(blocks), realSize));
    if (parsed) return parsed.segments;
  }
}

async function readOldGnuSparse(reader: ByteReader, header: Buffer, at: Position): Promise<SparseMap> {
  const first = inContext(at, () => parseOldGnuSparse(header, 'header'));
  const segments = [...first.segments];
  for (let extended = first.extended; extended; ) {
    const block = await reader.read(BLOCK_SIZE);
    if (block.length < BLOCK_SIZE) throw invalid(at, 'the archive ends in the middle of a sparse header', TRUNCATED_HINT);
    const more = inContext(at, () => parseOldGnuSparse(block, 'extension'));
    segments.push(...more.segments);
    extended = more.extended;
  }
  return { realSize: first.realSize!, segments: inContext(at, () => checkSegments(segments, first.realSize!)) };
}

/**
 * The member's xattrs, with POSIX ACLs from `tar --acls` text records as the kernel's xattrs
 * (an SCHILY.xattr.system.posix_acl_* record, which `tar --xattrs --acls` adds, says the same in
 * binary and wins). Names in the text are this machine's users and groups, as GNU tar reads them.
 */
function xattrsWithAcls(local: TarOverrides, accountIds: AclNameResolver): Xattr[] {
  const xattrs = new Map(local.xattrs);
  for (const [name, text] of [[ACL_ACCESS_XATTR, local.aclAccess], [ACL_DEFAULT_XATTR, local.aclDefault]] as const) {
    if (text === undefined || xattrs.has(name)) continue;
    const entries = parseAclText(text, accountIds);
    if (entries.length === 0 || (name === ACL_ACCESS_XATTR && isMinimalAcl(entries))) continue;
    xattrs.set(name, encodeAclXattr(entries));
  }
  return sortedXattrs(xattrs);
}

/** Globals first, then this member's own records (uid/gid are the only global keys kept). */
function mergeOverrides(globals: TarOverrides, local: TarOverrides): TarOverrides {
  return { ...local, uid: local.uid ?? globals.uid, gid: local.gid ?? globals.gid };
}

/** After the first zero block: a second one, or EOF, ends the archive; a header would be lost. */
async function checkEnd(reader: ByteReader, at: Position): Promise<void> {
  const next = await reader.read(BLOCK_SIZE);
  if (next.length === BLOCK_SIZE && !isZeroBlock(next)) {
    at.offset += BLOCK_SIZE;
    throw invalid(at, 'a header follows a lone end-of-archive block (concatenated archives are not supported)',
      'recreate the archive as a single tar');
  }
}

async function drain(reader: ByteReader): Promise<void> {
  while ((await reader.skip(1024 * 1024)) > 0);
}

async function readContent(reader: ByteReader, size: number, at: Position): Promise<Buffer> {
  const content = Buffer.allocUnsafe(size);
  if ((await reader.readInto(content)) < size) throw invalid(at, 'the archive ends in the middle of the file', TRUNCATED_HINT);
  await skipPadding(reader, size, at);
  return content;
}

async function readExtendedData(reader: ByteReader, header: TarHeader, at: Position): Promise<Buffer> {
  if (header.size > MAX_EXTENDED_HEADER) {
    throw invalid(at, `an extended header of ${header.size} bytes is implausibly large`, 'the archive is damaged');
  }
  const data = Buffer.from(await reader.read(header.size));
  if (data.length < header.size) throw invalid(at, 'the archive ends in the middle of an extended header', TRUNCATED_HINT);
  await skipPadding(reader, header.size, at);
  return data;
}

/** Skips `size` bytes and the padding after a member of `total` data bytes (default `size`). */
async function skipData(reader: ByteReader, size: number, at: Position, total = size): Promise<void> {
  if ((await reader.skip(size)) < size) throw invalid(at, 'the archive ends in the middle of the member', TRUNCATED_HINT);
  await skipPadding(reader, total, at);
}

async function skipPadding(reader: ByteReader, size: number, at: Position): Promise<void> {
  const padding = (BLOCK_SIZE - (size % BLOCK_SIZE)) % BLOCK_SIZE;
  if ((await reader.skip(padding)) < padding) throw invalid(at, 'the archive ends in the padding after the member', TRUNCATED_HINT);
}

function decodeWithContext(block: Buffer, at: Position, compressed: boolean): TarHeader {
  try {
    return decodeHeader(block);
  } catch (err) {
    if (!isHacktreeError(err, 'TAR_INVALID')) throw err;
    // A bad first header means the input is not a tar at all: say that rather than "bad checksum".
    if (at.offset === 0) throw notTar(at, compressed, err.message, err);
    throw invalid(at, err.message, err.hint ?? 'the archive is damaged', err);
  }
}

function notTar(at: Position, compressed: boolean, detail: string, cause?: unknown): HacktreeError {
  const what = compressed ? 'is gzip-compressed but does not hold a tar archive' : 'is neither gzip-compressed nor a tar archive';
  return new HacktreeError('TAR_INVALID', `${at.file} ${what} (${detail})`, { hint: NOT_TAR_HINT, data: { file: at.file }, cause });
}

/** Runs a pure decoding step, adding the file and member to the TAR_INVALID it may throw. */
function inContext<T>(at: Position, step: () => T): T {
  try {
    return step();
  } catch (err) {
    if (!isHacktreeError(err, 'TAR_INVALID')) throw err;
    throw invalid(at, err.message, err.hint ?? 'the archive is damaged', err);
  }
}

function translateStreamError(err: unknown, at: Position): unknown {
  const code = err instanceof Error ? (err as NodeJS.ErrnoException).code : undefined;
  if (typeof code !== 'string' || !code.startsWith('Z_')) return err;
  const why = code === 'Z_BUF_ERROR' ? 'the gzip stream is truncated' : `the gzip stream is damaged (${err instanceof Error ? err.message : code})`;
  return invalid(at, why, GZIP_HINT, err);
}

function describe(at: Position): string {
  const name = at.name === undefined ? '' : ` ${JSON.stringify(at.name)}`;
  return `${at.file}: member ${at.member}${name} (header at byte ${at.offset})`;
}

function invalid(at: Position, why: string, hint: string, cause?: unknown): HacktreeError {
  return new HacktreeError('TAR_INVALID', `${describe(at)}: ${why}`, {
    hint, data: { file: at.file, member: at.member, path: at.name, offset: at.offset }, cause,
  });
}
