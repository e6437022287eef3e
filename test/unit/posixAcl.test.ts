import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isHacktreeError } from '../../src/errors/HacktreeError.js';
import {
  ACL_ACCESS_XATTR, decodeAclXattr, encodeAclXattr, formatAclText, isMinimalAcl, modeUnderAcl, parseAclText, type AclNameResolver,
} from '../../src/model/tar/posixAcl.js';

// What `getfattr -n system.posix_acl_access -e hex` showed for a 0644 file after
// `setfacl -m u:1000:r-x,g:50:rw-`, and for a directory after `setfacl -d -m u:1000:rwx`
// (system.posix_acl_default).
const FILE_ACL = Buffer.from('0200000001000600ffffffff02000500e803000004000400ffffffff080006003200000010000700ffffffff20000400ffffffff', 'hex');
const DIR_DEFAULT_ACL = Buffer.from('0200000001000700ffffffff02000700e803000004000500ffffffff10000700ffffffff20000500ffffffff', 'hex');

const names: AclNameResolver = {
  uid: (name) => ({ alice: 1000 } as Record<string, number>)[name],
  gid: (name) => ({ staff: 50 } as Record<string, number>)[name],
};

describe('POSIX ACL text <-> kernel xattr', () => {
  it('encodes the text GNU tar writes (names, one entry a line) as the kernel does', () => {
    const text = 'user::rw-\nuser:alice:r-x\ngroup::r--\ngroup:staff:rw-\nmask::rwx\nother::r--\n';
    assert.deepEqual(encodeAclXattr(parseAclText(text, names)), FILE_ACL);
  });

  it('encodes bsdtar\'s text (comma-separated, any order, name:perms:id) the same', () => {
    const text = 'user::rw-,group::r--,other::r--,user:someone:r-x:1000,group:else:rw-:50,mask::rwx';
    assert.deepEqual(encodeAclXattr(parseAclText(text, names)), FILE_ACL);
    const defaults = 'user::rwx,user:nobody-here:rwx:1000,group::r-x,mask::rwx,other::r-x';
    assert.deepEqual(encodeAclXattr(parseAclText(defaults, names)), DIR_DEFAULT_ACL);
  });

  it('reads numeric qualifiers, short tags, octal perms and comments', () => {
    const text = 'u::6\nu:1000:r-x  # effective:r-x\ng::r\ng:50:rw\nm::rwx\no::r--';
    assert.deepEqual(encodeAclXattr(parseAclText(text, names)), FILE_ACL);
  });

  it('decodes the kernel form and writes text with numeric ids that parses back to the same bytes', () => {
    const entries = decodeAclXattr(FILE_ACL);
    const text = formatAclText(entries);
    assert.equal(text, 'user::rw-\nuser:1000:r-x\ngroup::r--\ngroup:50:rw-\nmask::rwx\nother::r--\n');
    assert.deepEqual(encodeAclXattr(parseAclText(text, { uid: () => undefined, gid: () => undefined })), FILE_ACL);
    assert.deepEqual(encodeAclXattr(decodeAclXattr(DIR_DEFAULT_ACL)), DIR_DEFAULT_ACL);
  });

  it('knows a minimal ACL (what the mode bits already say) from an extended one', () => {
    assert.ok(isMinimalAcl(parseAclText('user::rwx\ngroup::r-x\nother::r-x\n', names)));
    assert.ok(!isMinimalAcl(decodeAclXattr(FILE_ACL)));
  });

  it('gives the mode the kernel makes: group bits from the mask', () => {
    const xattrs = [{ name: ACL_ACCESS_XATTR, value: FILE_ACL }];
    assert.equal(modeUnderAcl(0o100644, xattrs), 0o100674);
    assert.equal(modeUnderAcl(0o4755, xattrs), 0o4674);
    assert.equal(modeUnderAcl(0o644, []), 0o644);
  });

  it('refuses unknown names, bad tags and perms, and a malformed xattr as TAR_INVALID', () => {
    const refused = (pattern: RegExp) => (err: unknown): boolean => {
      assert.ok(isHacktreeError(err, 'TAR_INVALID'), String(err));
      assert.match(err.message, pattern);
      assert.ok(err.hint);
      return true;
    };
    assert.throws(() => parseAclText('user:mallory:r--', names), refused(/names user "mallory", which this machine does not know/));
    assert.throws(() => parseAclText('owner::rwx', names), refused(/unknown tag/));
    assert.throws(() => parseAclText('user::rwz', names), refused(/bad permissions/));
    assert.throws(() => decodeAclXattr(Buffer.from('0100000001000600', 'hex')), refused(/not version 2/));
    assert.throws(() => decodeAclXattr(Buffer.from('020000004000060000000000', 'hex')), refused(/unknown tag/));
  });
});
