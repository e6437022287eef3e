import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { packArtifact } from '../../src/builder/pack/packArtifact.js';
import { writeBuildRecord } from '../../src/builder/plan/buildRecord.js';
import { assertCliError } from '../helpers/assertCliError.js';
import { makeTempDir, runHacktree, type RunResult } from '../helpers/cli.js';
import { assertFsckClean, assertRepoUnchanged, snapshotRepoState } from '../helpers/repoState.js';

// A root made without compiling: a tiny base directory, two components packed from hand-made
// trees (hello, which DEPENDS and RDEPENDS on libgreet and carries a patch; libgreet), composed
// over the base; hello's build record is written as a build would leave it.
const ROOT = '1.0-runtime-opt-x86_64';
const EPOCH = '1700000000';
const HELLO_ID = 'a'.repeat(32);
const HELLO_BUILD_ID = `${HELLO_ID}${'b'.repeat(32)}`;
const HELLO_TARBALL_SUM = 'c'.repeat(64);
const LIBGREET_TARBALL_SUM = 'd'.repeat(64);
const PATCH = '--- a/hello.c\n+++ b/hello.c\n@@ -1 +1 @@\n-hi\n+hello\n';
const schemaFile = join(dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/spdx-2.3-schema.json');

let tmp: string;
let repo: string;
let ws: string;

before(async () => {
  tmp = makeTempDir('hacktree-e2e-sbom');
  repo = join(tmp, 'repo');
  ws = join(tmp, 'ws');
  ok(['init']);
  writeTree(join(tmp, 'basefs'), { 'etc/os-release': 'ID=tiny\n', 'usr/share/base/notes.txt': 'from the base\n', 'usr/bin/hello': 'the base has an old hello\n' });
  ok(['bootstrap', '--from', join(tmp, 'basefs'), '--name', 'tiny-x86_64']);
  writeTree(ws, {
    'roots/1.0.json': JSON.stringify({ version: '1.0', arches: ['x86_64'], runtime: ['hello', 'libgreet'], base: 'tiny' }),
    'recipes/hello_2.12.bb': [
      'SUMMARY = "GNU Hello"',
      'HOMEPAGE = "https://www.gnu.org/software/hello/"',
      'LICENSE = "GPLv3+"',
      'DEPENDS = "libgreet"',
      'RDEPENDS:${PN} = "libgreet"',
      'SRC_URI = "https://ftp.gnu.org/gnu/hello/hello-${PV}.tar.gz file://fix-greeting.patch"',
      `SRC_URI[sha256sum] = "${HELLO_TARBALL_SUM}"`,
      '',
    ].join('\n'),
    'recipes/hello/fix-greeting.patch': PATCH,
    'recipes/libgreet_1.2.bb': [
      'SUMMARY = "Greetings"',
      'LICENSE = "MIT | Apache-2.0"',
      'SRC_URI = "https://example.org/libgreet-${PV}.tar.gz;name=main"',
      `SRC_URI[main.sha256sum] = "${LIBGREET_TARBALL_SUM}"`,
      '',
    ].join('\n'),
  });
  writeTree(join(tmp, 'dest-hello'), { 'usr/bin/hello': '#!/bin/sh\necho hello\n', 'usr/share/doc/hello/README': 'Hello.\n', 'usr/include/hello.h': 'void hello(void);\n' });
  writeTree(join(tmp, 'dest-libgreet'), { 'usr/lib/libgreet.so.1': 'ELF-ish\n', 'usr/include/greet.h': 'int greet(void);\n', 'usr/share/doc/libgreet/README': 'Greet.\n' });
  symlinkSync('libgreet.so.1', join(tmp, 'dest-libgreet/usr/lib/libgreet.so.1.0'));
  const common = { root: '1.0-opt-x86_64', flavor: 'opt' as const, outDir: join(ws, 'artifacts'), mtime: 0 };
  const hello = await packArtifact({ ...common, destdir: join(tmp, 'dest-hello'), name: 'hello', version: '2.12', extraKeys: { id: HELLO_ID } });
  await packArtifact({ ...common, destdir: join(tmp, 'dest-libgreet'), name: 'libgreet', version: '1.2', extraKeys: { id: 'e'.repeat(32) } });
  writeBuildRecord(join(ws, 'artifacts'), {
    recipe: 'hello', root: '1.0-opt-x86_64', flavor: 'opt', buildId: HELLO_BUILD_ID,
    inputs: [{ kind: 'rules', name: 'hacktree', digest: '1' }], artifacts: [hello.runtime.path, hello.devel.path].map((p) => p.split('/').pop()!),
  });
  ok(['root', 'compose', ROOT], ws);
});
after(() => rmSync(tmp, { recursive: true, force: true }));

function writeTree(dir: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

function hacktree(args: string[], cwd = ws, env: Record<string, string> = {}): RunResult {
  return runHacktree(args, { env: { HACKTREE_REPO: repo, SOURCE_DATE_EPOCH: EPOCH, ...env }, cwd });
}

function ok(args: string[], cwd = tmp, env: Record<string, string> = {}): RunResult {
  const result = hacktree(args, cwd, env);
  assert.equal(result.status, 0, `hacktree ${args.join(' ')}:\n${result.stderr}`);
  return result;
}

const sha = (algorithm: string, bytes: Buffer | string) => createHash(algorithm).update(bytes).digest('hex');

interface SpdxPackage { SPDXID: string; name: string; versionInfo?: string; licenseDeclared: string; downloadLocation: string; checksums?: Array<{ algorithm: string; checksumValue: string }>; comment?: string }
interface SpdxFile { SPDXID: string; fileName: string; checksums: Array<{ algorithm: string; checksumValue: string }> }
interface SpdxRelationship { spdxElementId: string; relationshipType: string; relatedSpdxElement: string }
interface SpdxDoc { SPDXID: string; documentNamespace: string; creationInfo: { created: string }; packages: SpdxPackage[]; files: SpdxFile[]; relationships: SpdxRelationship[] }

function spdx(args: string[] = [], cwd = ws): SpdxDoc {
  return JSON.parse(ok(['root', 'sbom', ROOT, ...args], cwd).stdout) as SpdxDoc;
}

/** Every regular file of the root, from `root ls -R --json`. */
function rootFiles(): string[] {
  const listing = JSON.parse(ok(['root', 'ls', ROOT, '-R', '--json']).stdout) as { entries: Array<{ path: string; kind: string }> };
  return listing.entries.filter((e) => e.kind === 'file').map((e) => e.path.replace(/^\/?/, ''));
}

describe('hacktree root sbom', () => {
  it('writes SPDX 2.3 JSON that validates against the SPDX project\'s schema, ids unique and every relationship resolved', () => {
    const text = ok(['root', 'sbom', ROOT], ws).stdout;
    const doc = JSON.parse(text) as SpdxDoc;
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')) as object);
    assert.ok(validate(doc), JSON.stringify(validate.errors, null, 2));
    const ids = [doc.SPDXID, ...doc.packages.map((p) => p.SPDXID), ...doc.files.map((f) => f.SPDXID)];
    assert.equal(new Set(ids).size, ids.length, 'SPDX ids are unique');
    for (const id of ids) assert.match(id, /^SPDXRef-[A-Za-z0-9.-]+$/);
    for (const r of doc.relationships) {
      assert.ok(ids.includes(r.spdxElementId) && ids.includes(r.relatedSpdxElement), `${JSON.stringify(r)} names known elements`);
    }
    const commit = JSON.parse(ok(['root', 'show', ROOT, '--json']).stdout).commit as string;
    assert.equal(doc.documentNamespace, `https://spdx.org/spdxdocs/hacktree-root-${commit}`);
    assert.equal(doc.creationInfo.created, '2023-11-14T22:13:20Z', 'SOURCE_DATE_EPOCH');
  });

  it('names every component with its license, sources and their sha256, patches, build id and dependencies; the base with its commit', () => {
    const doc = spdx();
    const pkg = (name: string) => doc.packages.find((p) => p.name === name)!;
    const related = (from: string, type: string) => doc.relationships.filter((r) => r.spdxElementId === from && r.relationshipType === type).map((r) => r.relatedSpdxElement);
    const hello = pkg('hello');
    const libgreet = pkg('libgreet');
    assert.equal(hello.versionInfo, '2.12');
    assert.equal(hello.licenseDeclared, 'GPL-3.0-or-later');
    assert.equal(libgreet.licenseDeclared, 'MIT OR Apache-2.0');
    assert.equal(hello.downloadLocation, 'https://ftp.gnu.org/gnu/hello/hello-2.12.tar.gz');
    assert.match(hello.comment!, new RegExp(`build id ${HELLO_BUILD_ID}`), 'the build record\'s full id');
    assert.match(libgreet.comment!, new RegExp(`build id ${'e'.repeat(32)}`), 'no build record: the id= of its artifacts');
    assert.deepEqual(related(hello.SPDXID, 'DEPENDS_ON'), [libgreet.SPDXID, libgreet.SPDXID], 'DEPENDS and RDEPENDS');
    assert.deepEqual(related(libgreet.SPDXID, 'DEPENDS_ON'), []);
    const sources = related(hello.SPDXID, 'GENERATED_FROM').map((id) => doc.packages.find((p) => p.SPDXID === id)!);
    assert.deepEqual(sources.map((s) => [s.name, s.checksums?.[0]?.checksumValue]), [
      ['hello-2.12.tar.gz', HELLO_TARBALL_SUM],
      ['fix-greeting.patch', sha('sha256', PATCH)],
    ]);
    const patch = sources[1]!;
    assert.deepEqual(related(patch.SPDXID, 'PATCH_APPLIED'), [hello.SPDXID]);
    const libSources = related(libgreet.SPDXID, 'GENERATED_FROM').map((id) => doc.packages.find((p) => p.SPDXID === id)!);
    assert.deepEqual(libSources.map((s) => [s.downloadLocation, s.checksums?.[0]?.checksumValue]), [['https://example.org/libgreet-1.2.tar.gz', LIBGREET_TARBALL_SUM]]);
    const base = pkg('base/tiny-x86_64');
    const baseCommit = ok(['root', 'show', 'base/tiny-x86_64', '--json']).stdout;
    assert.equal(base.versionInfo, JSON.parse(baseCommit).commit);
    assert.deepEqual(related('SPDXRef-Root', 'CONTAINS').filter((id) => !id.startsWith('SPDXRef-File-')).sort(), [base.SPDXID, hello.SPDXID, libgreet.SPDXID].sort());
  });

  it('lists every regular file of the root with its SHA-1 and SHA-256 and the package of the artifact `root blame` names', () => {
    const doc = spdx();
    const files = rootFiles();
    assert.deepEqual(doc.files.map((f) => f.fileName).sort(), files.map((f) => `./${f}`).sort());
    for (const file of doc.files) {
      const path = file.fileName.slice(1);
      const content = Buffer.from(ok(['root', 'cat', ROOT, path]).stdout, 'latin1');
      assert.deepEqual(file.checksums, [
        { algorithm: 'SHA1', checksumValue: sha('sha1', content) },
        { algorithm: 'SHA256', checksumValue: sha('sha256', content) },
      ], path);
      const provider = ok(['root', 'blame', ROOT, path]).stdout.trim().split('\t')[1]!;
      const container = doc.relationships.find((r) => r.relationshipType === 'CONTAINS' && r.relatedSpdxElement === file.SPDXID)!.spdxElementId;
      const pkg = doc.packages.find((p) => p.SPDXID === container)!;
      if (provider.startsWith('base/')) assert.equal(pkg.name, provider, path);
      else assert.ok(provider.startsWith(`${pkg.name}-runtime,`) && pkg.comment!.includes(provider), `${path}: ${provider} is in ${pkg.name}`);
    }
    assert.ok(doc.files.some((f) => f.fileName === './usr/bin/hello'), 'hello replaced the base\'s usr/bin/hello');
  });

  it('writes CycloneDX 1.5 JSON that the CycloneDX library\'s strict validator accepts, with licenses, sources and files', async () => {
    const text = ok(['root', 'sbom', ROOT, '--format', 'cyclonedx'], ws).stdout;
    const validator = new Validation.JsonStrictValidator(Spec.Version.v1dot5);
    assert.equal(await validator.validate(text), null);
    const bom = JSON.parse(text) as {
      serialNumber: string;
      metadata: { timestamp: string; component: { name: string; version: string } };
      components: Array<{ name: string; licenses?: Array<{ expression: string }>; externalReferences?: Array<{ url: string; type: string; comment?: string; hashes?: Array<{ content: string }> }>; components?: Array<{ name: string; hashes: Array<{ alg: string; content: string }> }> }>;
      dependencies: Array<{ ref: string; dependsOn?: string[] }>;
    };
    assert.match(bom.serialNumber, /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(bom.metadata.timestamp, '2023-11-14T22:13:20.000Z');
    const hello = bom.components.find((c) => c.name === 'hello')!;
    assert.deepEqual(hello.licenses, [{ expression: 'GPL-3.0-or-later' }]);
    const sources = hello.externalReferences!.filter((r) => r.type === 'distribution');
    assert.deepEqual(sources.map((r) => [r.url, r.hashes?.[0]?.content, r.comment]).sort(), [
      ['file://fix-greeting.patch', sha('sha256', PATCH), 'patch: a file beside the recipe in the workspace'],
      ['https://ftp.gnu.org/gnu/hello/hello-2.12.tar.gz', HELLO_TARBALL_SUM, 'source'],
    ]);
    const nested = bom.components.flatMap((c) => (c.components ?? []).map((f) => f.name));
    assert.deepEqual(nested.sort(), rootFiles().map((f) => `./${f}`).sort());
    const helloRef = (bom.components.find((c) => c.name === 'hello') as unknown as { 'bom-ref': string })['bom-ref'];
    const greetRef = (bom.components.find((c) => c.name === 'libgreet') as unknown as { 'bom-ref': string })['bom-ref'];
    assert.deepEqual(bom.dependencies.find((d) => d.ref === helloRef)?.dependsOn, [greetRef]);
  });

  it('is deterministic: the same root and SOURCE_DATE_EPOCH give the same bytes, in both formats; --out writes the same', () => {
    for (const format of ['spdx', 'cyclonedx']) {
      const first = ok(['root', 'sbom', ROOT, '--format', format], ws).stdout;
      const second = ok(['root', 'sbom', ROOT, '--format', format], ws).stdout;
      assert.equal(first, second, format);
      const out = join(tmp, `root.${format}.json`);
      const written = ok(['root', 'sbom', ROOT, '--format', format, '--out', out], ws);
      assert.match(written.stdout, /^wrote .* \d+ components, 1 bases, \d+ files of [0-9a-f]{40}\n$/);
      assert.equal(readFileSync(out, 'utf8'), first);
      assert.deepEqual(readdirSync(tmp).filter((f) => f.startsWith(`.root.${format}`)), [], 'no temporary file left');
    }
    const later = ok(['root', 'sbom', ROOT], ws, { SOURCE_DATE_EPOCH: '1800000000' }).stdout;
    const earlier = ok(['root', 'sbom', ROOT], ws).stdout;
    assert.equal(later.replace(/"created": "[^"]*"/, ''), earlier.replace(/"created": "[^"]*"/, ''), 'only the creation time differs');
  });

  it('refuses a root that does not exist and a SOURCE_DATE_EPOCH that is no number, writing nothing', () => {
    const before = snapshotRepoState(repo);
    const out = join(tmp, 'missing.json');
    assertCliError(hacktree(['root', 'sbom', 'no-such-root', '--out', out]), 'REF_NOT_FOUND', ['no-such-root']);
    assert.equal(existsSync(out), false);
    assertCliError(hacktree(['root', 'sbom', ROOT, '--out', out], ws, { SOURCE_DATE_EPOCH: 'yesterday' }), 'USAGE', ['SOURCE_DATE_EPOCH']);
    assert.equal(existsSync(out), false);
    assertRepoUnchanged(before, snapshotRepoState(repo));
    assertFsckClean(repo);
  });

  it('a component whose recipe is missing from the workspace, or of another version, is NOASSERTION with a note on stderr', () => {
    const other = join(tmp, 'ws-other');
    writeTree(other, {
      'recipes/hello_2.13.bb': 'LICENSE = "GPL-3.0-or-later"\nSRC_URI = "https://ftp.gnu.org/gnu/hello/hello-${PV}.tar.gz"\n',
    });
    const result = ok(['root', 'sbom', ROOT, '-C', other], tmp);
    const doc = JSON.parse(result.stdout) as SpdxDoc;
    const hello = doc.packages.find((p) => p.name === 'hello')!;
    const libgreet = doc.packages.find((p) => p.name === 'libgreet')!;
    for (const pkg of [hello, libgreet]) {
      assert.equal(pkg.licenseDeclared, 'NOASSERTION');
      assert.equal(pkg.downloadLocation, 'NOASSERTION');
    }
    assert.match(result.stderr, /^hacktree: note: libgreet 1\.2: no recipe libgreet in .*ws-other\/recipes; its license and sources are NOASSERTION$/m);
    assert.match(result.stderr, /^hacktree: note: hello 2\.12: the workspace's recipe hello is version 2\.13 .*, the root has 2\.12;/m);
    const schema = new Ajv({ strict: false }).compile(JSON.parse(readFileSync(schemaFile, 'utf8')) as object);
    assert.ok(schema(doc), JSON.stringify(schema.errors));
    const noWorkspace = ok(['root', 'sbom', ROOT], tmp);
    assert.match(noWorkspace.stderr, /^hacktree: note: hello 2\.12: no workspace was given to look its recipe up in;/m, 'outside a workspace, without -C');
  });

  it('a local build (o=local) on the local branch is its own component, NOASSERTION for what no recipe says', async () => {
    writeTree(join(tmp, 'dest-hello-local'), { 'usr/bin/hello': '#!/bin/sh\necho hello, locally\n' });
    const local = await packArtifact({ root: '1.0-opt-x86_64', flavor: 'opt', origin: 'local', outDir: join(tmp, 'local'), mtime: 0, destdir: join(tmp, 'dest-hello-local'), name: 'hello', version: '2.12-dirty' });
    ok(['root', 'install-local', local.runtime.path, '--root', ROOT, '--no-deploy', '--prefix', join(tmp, 'prefix')]);
    const result = ok(['root', 'sbom', `local/root-${ROOT}`], ws);
    const doc = JSON.parse(result.stdout) as SpdxDoc;
    const hellos = doc.packages.filter((p) => p.name === 'hello');
    assert.equal(hellos.length, 1, 'the local build replaced the master one');
    assert.equal(hellos[0]!.versionInfo, '2.12-dirty');
    assert.equal(hellos[0]!.licenseDeclared, 'NOASSERTION');
    assert.match(hellos[0]!.comment!, /^local build; .*a local build \(o=local\)/);
    assert.match(result.stderr, /^hacktree: note: hello 2\.12-dirty: a local build \(o=local\): not built from a workspace recipe;/m);
    const file = doc.files.find((f) => f.fileName === './usr/bin/hello')!;
    assert.equal(file.checksums[0]!.checksumValue, sha('sha1', '#!/bin/sh\necho hello, locally\n'));
    const container = doc.relationships.find((r) => r.relationshipType === 'CONTAINS' && r.relatedSpdxElement === file.SPDXID)!.spdxElementId;
    assert.equal(container, hellos[0]!.SPDXID);
    assert.equal(doc.packages.find((p) => p.name === 'libgreet')!.licenseDeclared, 'MIT OR Apache-2.0', 'master components keep their recipe');
  });

  it('an invalid LICENSE is LICENSE_INVALID naming the recipe file and line; with --out no file is left', () => {
    const bad = join(tmp, 'ws-bad');
    writeTree(bad, {
      'recipes/hello_2.12.bb': 'SUMMARY = "GNU Hello"\nLICENSE = "GPLv3+ & & MIT"\n',
      'recipes/libgreet_1.2.bb': 'LICENSE = "MIT"\n',
    });
    const out = join(tmp, 'bad.json');
    assertCliError(hacktree(['root', 'sbom', ROOT, '-C', bad, '--out', out], tmp), 'LICENSE_INVALID', [`${join(bad, 'recipes/hello_2.12.bb')}:2`]);
    assert.equal(existsSync(out), false);
    assert.deepEqual(readdirSync(tmp).filter((f) => f.startsWith('.bad.json')), []);
  });
});
