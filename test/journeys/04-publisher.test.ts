import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { story } from './story.js';

// A publisher's day, as the README tells it: what the default runtime root ships (each
// component's license, an SBOM in SPDX and CycloneDX) and its corresponding source.
const s = story();
const ROOT = '3.2-runtime-opt-x86_64';
const PUBLIC = `/opt/hacktree/root-${ROOT}`;
const COMPONENTS = ['gzip', 'hello', 'libsigsegv', 'sed'];
const spdxSchema = join(dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/spdx-2.3-schema.json');

interface SpdxFile { SPDXID: string; fileName: string; checksums: Array<{ algorithm: string; checksumValue: string }> }
interface SpdxPackage { SPDXID: string; name: string; versionInfo?: string; licenseDeclared?: string; downloadLocation: string; checksums?: Array<{ algorithm: string; checksumValue: string }>; comment?: string }
interface SpdxDoc { packages: SpdxPackage[]; files: SpdxFile[]; relationships: Array<{ spdxElementId: string; relationshipType: string; relatedSpdxElement: string }> }

/** Each recipe's version and declared tarball sha256, from the clone's recipes/. */
function recipeFacts(name: string): { version: string; sha256: string } {
  const file = s.check(`ls recipes/${name}_*.bb`).stdout.trim();
  const version = /_([^_/]+)\.bb$/.exec(file)![1]!;
  const sha256 = /^SRC_URI\[sha256sum\]\s*=\s*"([0-9a-f]{64})"/m.exec(s.check(`cat ${file}`).stdout)![1]!;
  return { version, sha256 };
}

test('root licenses names every component with its SPDX license', () => {
  const out = s.step(`hacktree root licenses ${ROOT}`);
  for (const name of COMPONENTS) assert.match(out, new RegExp(`^${name}\\b.*GPL-[23]\\.0-or-later`, 'm'), `${name} and its license`);
});

test('the SBOM validates as SPDX 2.3 and CycloneDX 1.5, names every component and every file with its checksum and provider', async () => {
  s.step('mkdir -p ~/publish');
  s.step(`hacktree root sbom ${ROOT} --out ~/publish/3.2-runtime.spdx.json`);
  s.step(`hacktree root sbom ${ROOT} --format cyclonedx --out ~/publish/3.2-runtime.cdx.json`);
  const home = s.shell().home;
  const doc = JSON.parse(readFileSync(join(home, 'publish/3.2-runtime.spdx.json'), 'utf8')) as SpdxDoc;
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats.default(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(spdxSchema, 'utf8')) as object);
  assert.ok(validate(doc), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
  const cyclonedx = readFileSync(join(home, 'publish/3.2-runtime.cdx.json'), 'utf8');
  assert.equal(await new Validation.JsonStrictValidator(Spec.Version.v1dot5).validate(cyclonedx), null);

  // Every component: its license and its source's sha256, as the recipe declares them.
  for (const name of COMPONENTS) {
    const pkg = doc.packages.find((p) => p.name === name);
    assert.ok(pkg, `${name} is a package`);
    const facts = recipeFacts(name);
    assert.equal(pkg.versionInfo, facts.version);
    assert.match(pkg.licenseDeclared ?? '', /^GPL-[23]\.0-or-later$/);
    const sources = doc.relationships
      .filter((r) => r.spdxElementId === pkg.SPDXID && r.relationshipType === 'GENERATED_FROM')
      .map((r) => doc.packages.find((p) => p.SPDXID === r.relatedSpdxElement)!);
    assert.ok(sources.some((source) => source.checksums?.some((c) => c.algorithm === 'SHA256' && c.checksumValue === facts.sha256)), `${name}: its tarball's sha256`);
  }

  // Every regular file of the published root, with the checksum of its bytes there.
  const sums = new Map(
    s.check(`cd ${PUBLIC} && find . -type f -print0 | xargs -0 sha256sum`).stdout.trim().split('\n').map((line) => {
      const [sum, path] = [line.slice(0, 64), line.slice(66)];
      return [path, sum] as const;
    }),
  );
  assert.ok(sums.size > 1000, `${sums.size} files published`);
  assert.equal(doc.files.length, sums.size, 'every file of the root, once');
  for (const file of doc.files) {
    const sha256 = file.checksums.find((c) => c.algorithm === 'SHA256')?.checksumValue;
    assert.equal(sha256, sums.get(file.fileName), file.fileName);
  }

  // The provider of a sample of files (every component's, and some of the base's), against root blame.
  const containerOf = (file: SpdxFile) => {
    const id = doc.relationships.find((r) => r.relationshipType === 'CONTAINS' && r.relatedSpdxElement === file.SPDXID)!.spdxElementId;
    return doc.packages.find((p) => p.SPDXID === id)!;
  };
  const ofComponents = doc.files.filter((f) => COMPONENTS.includes(containerOf(f).name)).slice(0, 24);
  const ofBase = doc.files.filter((f) => containerOf(f).name.startsWith('base/')).filter((_, i) => i % 500 === 0);
  assert.ok(ofComponents.length > 0 && ofBase.length > 0);
  for (const file of [...ofComponents, ...ofBase]) {
    const path = file.fileName.slice(1);
    const provider = s.check(`hacktree root blame ${ROOT} ${path}`).stdout.trim().split('\t')[1]!;
    const pkg = containerOf(file);
    if (provider.startsWith('base/')) assert.equal(pkg.name, provider, path);
    else assert.ok(provider.startsWith(`${pkg.name}-runtime,`), `${path}: ${provider} is in ${pkg.name}`);
  }

  // The same root, the same bytes (with a fixed SOURCE_DATE_EPOCH).
  const again = () => s.check(`SOURCE_DATE_EPOCH=1700000000 hacktree root sbom ${ROOT} | sha256sum`).stdout;
  assert.equal(again(), again());
});

test('root sources writes every tarball and patch that built the root, whose sha256 match the recipes', () => {
  s.step(`hacktree root sources ${ROOT} ~/publish/sources`);
  const home = s.shell().home;
  const index = JSON.parse(readFileSync(join(home, 'publish/sources/index.json'), 'utf8')) as {
    components: Array<{ name: string; version: string; files: Array<{ path: string; kind: string; sha256: string }> }>;
  };
  assert.deepEqual(index.components.map((c) => c.name).sort(), COMPONENTS);
  for (const component of index.components) {
    const facts = recipeFacts(component.name);
    assert.ok(component.files.some((f) => f.sha256 === facts.sha256), `${component.name}: the recipe's tarball`);
    for (const file of component.files) {
      assert.equal(s.check(`sha256sum ~/publish/sources/${file.path}`).stdout.slice(0, 64), file.sha256, file.path);
    }
  }
  s.step('hacktree fsck');
});
