import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isHacktreeError } from '../../src/errors/HacktreeError.js';
import { encodeMemberHeaders, tarNameOf } from '../../src/model/tar/encodeMemberHeaders.js';
import { decodePaxRecords, decodeXattrKeyName, encodePaxRecords, encodeXattrKeyName } from '../../src/model/tar/paxRecords.js';
import { TOP, type RepoPath } from '../../src/model/snapshot/repoPath.js';
import {
  BLOCK_SIZE, decodeHeader, encodeHeader, entryTypeOf, fitsOctal, isZeroBlock, splitUstarName, type TarHeader,
} from '../../src/model/tar/tarHeader.js';
import { tarMemberOfHeader } from '../../src/model/tar/tarMemberOfHeader.js';
import { applyOverrides, applyPaxRecords, emptyOverrides, sortedXattrs } from '../../src/model/tar/tarOverrides.js';

const CAPABILITY = Buffer.from('0100000200200000000000000000000000000000', 'hex');

function header(fields: Partial<TarHeader>): TarHeader {
  return {
    name: 'usr/bin/sh', mode: 0o755, uid: 0, gid: 0, size: 0, mtime: 1700000000, typeflag: '0',
    linkname: '', uname: '', gname: '', devmajor: 0, devminor: 0, ...fields,
  };
}

function tarInvalid(pattern: RegExp) {
  return (err: unknown): boolean => {
    assert.ok(isHacktreeError(err, 'TAR_INVALID'), `expected TAR_INVALID, got ${String(err)}`);
    assert.match(err.message, pattern);
    return true;
  };
}

describe('ustar header', () => {
  it('round-trips every field', () => {
    const h = header({ mode: 0o4755, uid: 1000, gid: 5000, size: 12345, typeflag: '3', devmajor: 4, devminor: 64, linkname: '' });
    const block = encodeHeader(h);
    assert.equal(block.length, BLOCK_SIZE);
    assert.deepEqual(decodeHeader(block), h);
  });

  it('writes octal fields and the checksum the way GNU tar does', () => {
    const block = encodeHeader(header({ mode: 0o1777, typeflag: '5', name: 'tmp/' }));
    assert.equal(block.toString('latin1', 100, 108), '0001777\0');
    assert.equal(block.toString('latin1', 257, 265), 'ustar\x0000');
    assert.match(block.toString('latin1', 148, 156), /^[0-7]{6}\0 $/);
  });

  it('uses base-256 for numbers too large for octal, and reads them back', () => {
    assert.equal(fitsOctal(2097151, 8), true);
    assert.equal(fitsOctal(2097152, 8), false);
    const h = header({ uid: 3_000_000, gid: 4_294_967_294, size: 10 * 1024 ** 3 });
    const block = encodeHeader(h);
    assert.equal(block[108]! & 0x80, 0x80);
    assert.equal(block[124]! & 0x80, 0x80);
    assert.deepEqual(decodeHeader(block), h);
  });

  it('splits long names into prefix and name, keeping a directory\'s trailing slash', () => {
    const dir = `${'a'.repeat(90)}/${'b'.repeat(60)}/`;
    assert.deepEqual(splitUstarName(dir), { prefix: 'a'.repeat(90), name: `${'b'.repeat(60)}/` });
    assert.equal(splitUstarName(`${'a'.repeat(156)}/b`), null, 'prefix too long');
    assert.equal(splitUstarName(`a/${'b'.repeat(101)}`), null, 'name too long');
    const h = header({ name: `${'x'.repeat(120)}/${'y'.repeat(80)}` });
    assert.equal(decodeHeader(encodeHeader(h)).name, h.name);
  });

  it('counts UTF-8 bytes, not characters', () => {
    const name = 'é'.repeat(60); // 120 bytes
    assert.equal(splitUstarName(name), null);
    const h = header({ name: `dir/${'é'.repeat(40)}` });
    assert.equal(decodeHeader(encodeHeader(h)).name, h.name);
  });

  it('rejects a bad checksum and names it', () => {
    const block = Buffer.from(encodeHeader(header({})));
    block[0] = block[0]! + 1;
    assert.throws(() => decodeHeader(block), tarInvalid(/bad header checksum/));
  });

  it('rejects a numeric field that is not octal', () => {
    const block = Buffer.from(encodeHeader(header({})));
    block.write('12x4567\0', 124, 'latin1');
    // Re-seal the checksum so only the size field is wrong.
    block.fill(0x20, 148, 156);
    let sum = 0;
    for (const byte of block) sum += byte;
    block.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
    assert.throws(() => decodeHeader(block), tarInvalid(/size field/));
  });

  it('ignores the prefix field of old GNU headers', () => {
    const block = Buffer.from(encodeHeader(header({ name: 'short' })));
    block.write('ustar  \0', 257, 'latin1');
    block.write('garbage', 345, 'latin1');
    block.fill(0x20, 148, 156);
    let sum = 0;
    for (const byte of block) sum += byte;
    block.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
    assert.equal(decodeHeader(block).name, 'short');
  });

  it('knows the typeflags', () => {
    assert.equal(entryTypeOf('0'), 'file');
    assert.equal(entryTypeOf('\0'), 'file');
    assert.equal(entryTypeOf('7'), 'file');
    assert.equal(entryTypeOf('x'), 'paxLocal');
    assert.equal(entryTypeOf('L'), 'gnuLongName');
    assert.equal(entryTypeOf('S'), 'gnuSparse');
    assert.equal(entryTypeOf('V'), undefined);
    assert.equal(isZeroBlock(Buffer.alloc(512)), true);
  });
});

describe('pax records', () => {
  it('round-trips binary values, NUL and newline included', () => {
    const records = [
      { key: 'path', value: Buffer.from('a'.repeat(300)) },
      { key: 'SCHILY.xattr.security.capability', value: CAPABILITY },
      { key: 'SCHILY.xattr.user.nl', value: Buffer.from('a\nb\0c=d') },
      { key: 'SCHILY.xattr.user.empty', value: Buffer.alloc(0) },
    ];
    const data = encodePaxRecords(records);
    assert.deepEqual(decodePaxRecords(data), records);
  });

  it('gets the self-counting length right at digit boundaries', () => {
    for (let n = 0; n < 1100; n++) {
      const record = { key: 'k', value: Buffer.alloc(n, 0x61) };
      const data = encodePaxRecords([record]);
      assert.equal(Number(data.toString('latin1', 0, data.indexOf(0x20))), data.length);
      assert.deepEqual(decodePaxRecords(data), [record]);
    }
  });

  it('rejects damaged records', () => {
    assert.throws(() => decodePaxRecords(Buffer.from('30 path=x\n')), tarInvalid(/only 10 remain/));
    assert.throws(() => decodePaxRecords(Buffer.from('9 path=xy')), tarInvalid(/newline/));
    assert.throws(() => decodePaxRecords(Buffer.from('x path=a\n')), tarInvalid(/length/));
  });

  it('escapes % and = in xattr names like GNU tar', () => {
    assert.equal(encodeXattrKeyName('user.a=b%c'), 'user.a%3Db%25c');
    assert.equal(decodeXattrKeyName('user.a%3Db%25c'), 'user.a=b%c');
  });
});

describe('member headers', () => {
  const meta = { mode: 0o644, uid: 0, gid: 0, xattrs: [] };

  it('names the top "./" and directories with a trailing slash', () => {
    assert.equal(tarNameOf({ kind: 'dir', path: TOP, ...meta }), './');
    assert.equal(tarNameOf({ kind: 'dir', path: 'usr' as RepoPath, ...meta }), 'usr/');
    assert.equal(tarNameOf({ kind: 'fifo', path: 'run/p' as RepoPath, ...meta }), 'run/p');
  });

  it('writes one ustar header when ustar says everything', () => {
    const bytes = encodeMemberHeaders({ kind: 'file', path: 'usr/bin/sh' as RepoPath, ...meta, mode: 0o4755, size: 3 }, 0);
    assert.equal(bytes.length, 512);
    assert.equal(decodeHeader(bytes).mode, 0o4755);
  });

  it('adds a deterministic pax header for xattrs, big ids, long and non-ASCII names', () => {
    const path = `${'d'.repeat(200)}/é` as RepoPath;
    const member = {
      kind: 'symlink' as const, path, ...meta, uid: 3_000_000, target: 't'.repeat(150),
      xattrs: [{ name: 'user.z', value: Buffer.from([0]) }, { name: 'security.capability', value: CAPABILITY }],
    };
    const bytes = encodeMemberHeaders(member, 0);
    assert.deepEqual(bytes, encodeMemberHeaders(member, 0));
    const pax = decodeHeader(bytes.subarray(0, 512));
    assert.equal(pax.typeflag, 'x');
    assert.equal(pax.name, 'PaxHeaders/é');
    const records = decodePaxRecords(bytes.subarray(512, 512 + pax.size));
    assert.deepEqual(records.map((r) => r.key), [
      'path', 'linkpath', 'uid', 'SCHILY.xattr.security.capability', 'SCHILY.xattr.user.z',
    ]);
    assert.deepEqual(records[3]!.value, CAPABILITY);
    const paxBlocks = Math.ceil(pax.size / 512);
    assert.equal(decodeHeader(bytes.subarray(512 * (1 + paxBlocks))).typeflag, '2');
  });

  it('hardlinks carry only their target', () => {
    const bytes = encodeMemberHeaders({ kind: 'hardlink', path: 'b' as RepoPath, target: 'a' as RepoPath }, 5);
    const h = decodeHeader(bytes);
    assert.deepEqual([h.typeflag, h.linkname, h.size, h.mtime], ['1', 'a', 0, 5]);
  });
});

describe('reading a header into a member', () => {
  it('applies pax overrides over ustar fields and sorts xattrs', () => {
    const overrides = emptyOverrides();
    applyPaxRecords([
      { key: 'path', value: Buffer.from('long/name') },
      { key: 'uid', value: Buffer.from('3000000') },
      { key: 'SCHILY.xattr.user.b', value: Buffer.from('2') },
      { key: 'LIBARCHIVE.xattr.user.a%3D', value: Buffer.from(Buffer.from([0, 1, 2]).toString('base64')) },
      { key: 'mtime', value: Buffer.from('1.5') },
    ], overrides, 'local');
    const effective = applyOverrides(header({ name: 'short', mode: 0o104755 }), overrides);
    const member = tarMemberOfHeader(effective, 'file', sortedXattrs(overrides.xattrs), 'x.tar: member 1');
    assert.deepEqual(member, {
      kind: 'file', path: 'long/name', mode: 0o4755, uid: 3_000_000, gid: 0, size: 0,
      xattrs: [{ name: 'user.a=', value: Buffer.from([0, 1, 2]) }, { name: 'user.b', value: Buffer.from('2') }],
    });
  });

  it('keeps only uid and gid from global headers', () => {
    const overrides = emptyOverrides();
    applyPaxRecords([
      { key: 'path', value: Buffer.from('everything') },
      { key: 'gid', value: Buffer.from('42') },
    ], overrides, 'global');
    assert.equal(overrides.path, undefined);
    assert.equal(overrides.gid, 42);
  });

  it('keeps GNU sparse records (0.0\'s repeated offset/numbytes in order) for the sparse map', () => {
    const overrides = emptyOverrides();
    applyPaxRecords(['GNU.sparse.size=9', 'GNU.sparse.offset=0', 'GNU.sparse.numbytes=2', 'GNU.sparse.offset=5', 'GNU.sparse.numbytes=1']
      .map((r) => ({ key: r.split('=')[0]!, value: Buffer.from(r.split('=')[1]!) })), overrides, 'local');
    assert.deepEqual(overrides.sparse, new Map([['GNU.sparse.size', '9'], ['GNU.sparse.offset', '0,5'], ['GNU.sparse.numbytes', '2,1']]));
  });

  it('keeps tar --acls records as text', () => {
    const overrides = emptyOverrides();
    applyPaxRecords([{ key: 'SCHILY.acl.access', value: Buffer.from('user::rw-\n') }, { key: 'SCHILY.acl.default', value: Buffer.from('user::rwx\n') }], overrides, 'local');
    assert.equal(overrides.aclAccess, 'user::rw-\n');
    assert.equal(overrides.aclDefault, 'user::rwx\n');
  });

  it('rejects unsafe paths and hardlink targets through parseRepoPath', () => {
    for (const [name, linkname, type] of [['../evil', '', 'file'], ['/etc/x', '', 'dir'], ['ok', '../../x', 'hardlink']] as const) {
      assert.throws(() => tarMemberOfHeader(header({ name, linkname }), type, [], 'x.tar: member 3'), (err: unknown) => {
        assert.ok(isHacktreeError(err, 'UNSAFE_PATH'));
        assert.match(err.message, /x\.tar: member 3/);
        return true;
      });
    }
  });

  it('maps "./" and "." to the top directory, which must be a directory', () => {
    assert.equal(tarMemberOfHeader(header({ name: './' }), 'dir', [], 'w').path, TOP);
    assert.equal(tarMemberOfHeader(header({ name: '.' }), 'dir', [], 'w').path, TOP);
    assert.throws(() => tarMemberOfHeader(header({ name: './' }), 'file', [], 'w'), tarInvalid(/top directory/));
  });
});
