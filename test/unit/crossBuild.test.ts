import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configureRanTestProgram, crossBaseName, crossConfigureArgs, crossEnv, crossToolchainOf } from '../../src/model/root/crossBuild.js';

describe('cross builds', () => {
  it('knows the aarch64 toolchain by triplet and Debian packages, and none for the arches built natively', () => {
    const toolchain = crossToolchainOf('aarch64')!;
    assert.equal(toolchain.triplet, 'aarch64-linux-gnu');
    assert.deepEqual(toolchain.packages, ['gcc-aarch64-linux-gnu', 'libc6-dev-arm64-cross', 'binutils-aarch64-linux-gnu']);
    assert.equal(crossToolchainOf('x86_64'), undefined);
    assert.equal(crossToolchainOf('i686'), undefined);
    assert.equal(crossBaseName('debian-bookworm'), 'debian-bookworm-cross');
  });

  it('configures with --host and --build, the tools by triplet, and the paths at /sysroot', () => {
    const toolchain = crossToolchainOf('aarch64')!;
    assert.deepEqual(crossConfigureArgs(toolchain, 'x86_64'), ['--host=aarch64-linux-gnu', '--build=x86_64-linux-gnu']);
    const env = crossEnv(toolchain);
    assert.equal(env.CC, 'aarch64-linux-gnu-gcc');
    assert.equal(env.STRIP, 'aarch64-linux-gnu-strip');
    assert.equal(env.CPPFLAGS, '-I/sysroot/usr/include');
    assert.equal(env.LDFLAGS, '-L/sysroot/usr/lib -Wl,-rpath-link,/sysroot/usr/lib');
    assert.equal(env.PKG_CONFIG_LIBDIR, '/sysroot/usr/lib/pkgconfig:/sysroot/usr/share/pkgconfig');
    assert.equal(env.PKG_CONFIG_SYSROOT_DIR, '/sysroot');
  });

  it("recognizes configure's refusal to run a test program", () => {
    assert.ok(configureRanTestProgram("checking whether X works... configure: error: in `/build/runs-1.0':\nconfigure: error: cannot run test program while cross compiling\nSee `config.log' for more details"));
    assert.ok(!configureRanTestProgram('configure: error: C compiler cannot create executables'));
  });
});
