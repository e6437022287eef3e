import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { isHacktreeError } from '../../src/errors/HacktreeError.js';
import type { Oid } from '../../src/model/git/oid.js';
import { licenseExpression } from '../../src/model/recipe/recipeLicense.js';
import type { RootComponent, RootComponents } from '../../src/model/root/rootComponent.js';
import { cyclonedxDocument } from '../../src/model/sbom/cyclonedxDocument.js';
import { derivedUuid } from '../../src/model/sbom/derivedUuid.js';
import { sbomCreationTime } from '../../src/model/sbom/sbomCreationTime.js';
import type { SbomInput } from '../../src/model/sbom/sbomInput.js';
import { spdxDocument } from '../../src/model/sbom/spdxDocument.js';

const schema = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/spdx-2.3-schema.json'), 'utf8')) as object;
const oid = (c: string) => c.repeat(40) as Oid;

function component(name: string, license: string | null, extra: Partial<RootComponent> = {}): RootComponent {
  return {
    name, version: '1.0', flavor: 'opt', root: '1.0-opt-x86_64', origin: 'master',
    artifacts: [{ fileName: `${name}-runtime,b=opt,o=master,r=1.0-opt-x86_64,v=1.0,.tar.gz`, kind: 'runtime', paths: 1 }],
    buildId: null, buildInputs: null, notes: license === null ? ['no recipe'] : [],
    recipe: license === null ? null : {
      file: `/w/recipes/${name}_1.0.bb`, recipe: undefined as never, license: licenseExpression(license, { recipe: name, file: 'x.bb' }),
      summary: '', homepage: '', sources: [], depends: [], rdepends: [],
    },
    ...extra,
  };
}

/** A root with a moved base, a proprietary component, one without a recipe and a file no manifest names. */
function input(): SbomInput {
  const root: RootComponents = {
    commit: oid('1'), tree: oid('2'), ref: 'refs/heads/root-1.0-runtime-opt-x86_64',
    bases: [{ branch: 'base/tiny-x86_64', commit: oid('3'), tree: oid('4'), matchesRoot: false, paths: 1 }],
    components: [component('blob_driver', 'CLOSED'), component('mystery', null)],
    paths: [
      { path: 'etc/os-release', kind: 'file', oid: oid('a'), size: 3, provider: 'base/tiny-x86_64' },
      { path: 'usr/lib/blob.so', kind: 'file', oid: oid('b'), size: 3, provider: 'blob_driver-runtime,b=opt,o=master,r=1.0-opt-x86_64,v=1.0,.tar.gz' },
      { path: 'usr/lib/blob.so.1', kind: 'symlink', oid: oid('c'), size: null, provider: 'blob_driver-runtime,b=opt,o=master,r=1.0-opt-x86_64,v=1.0,.tar.gz' },
      { path: 'usr/share/mystery', kind: 'file', oid: oid('d'), size: 3, provider: 'mystery-runtime,b=opt,o=master,r=1.0-opt-x86_64,v=1.0,.tar.gz' },
      { path: 'var/orphan', kind: 'file', oid: oid('a'), size: 3, provider: null },
    ],
  };
  const digests = new Map(['a', 'b', 'd'].map((c) => [oid(c), { sha1: c.repeat(40), sha256: c.repeat(64) }]));
  return { rootName: '1.0-runtime-opt-x86_64', root, fileDigests: digests, created: new Date(1_700_000_000_000), toolVersion: '0.1.0' };
}

describe('SBOM documents', () => {
  it('derivedUuid is RFC 4122 version 5 in the URL namespace', () => {
    // Python: uuid.uuid5(uuid.NAMESPACE_URL, 'http://www.example.com/')
    assert.equal(derivedUuid('http://www.example.com/'), 'fcde3c85-2270-590f-9e7c-ee003d65e0e2');
  });

  it('sbomCreationTime: SOURCE_DATE_EPOCH, else now in whole seconds; anything else is USAGE', () => {
    assert.equal(sbomCreationTime({ SOURCE_DATE_EPOCH: '0' }, new Date()).toISOString(), '1970-01-01T00:00:00.000Z');
    assert.equal(sbomCreationTime({}, new Date(1_700_000_000_789)).getTime(), 1_700_000_000_000);
    for (const bad of ['-1', '1.5', 'now', '99999999999999999999']) {
      assert.throws(() => sbomCreationTime({ SOURCE_DATE_EPOCH: bad }, new Date()), (err) => isHacktreeError(err, 'USAGE'), bad);
    }
  });

  it('SPDX: a LicenseRef is defined in the document, unknowns are NOASSERTION, a moved base says so, an unprovided file is the root\'s', () => {
    const doc = spdxDocument(input());
    const validate = new Ajv({ strict: false }).compile(schema);
    assert.ok(validate(doc), JSON.stringify(validate.errors));
    assert.deepEqual(doc.hasExtractedLicensingInfos?.map((l) => l.licenseId), ['LicenseRef-CLOSED']);
    const blob = doc.packages.find((p) => p.name === 'blob_driver')!;
    assert.equal(blob.SPDXID, 'SPDXRef-Package-1-blob-driver', "'_' is not allowed in SPDX ids");
    assert.equal(blob.licenseDeclared, 'LicenseRef-CLOSED');
    assert.equal(doc.packages.find((p) => p.name === 'mystery')!.licenseDeclared, 'NOASSERTION');
    assert.match(doc.packages.find((p) => p.name === 'base/tiny-x86_64')!.comment!, /has moved since the root was composed/);
    assert.deepEqual(doc.files.map((f) => f.fileName), ['./etc/os-release', './usr/lib/blob.so', './usr/share/mystery', './var/orphan'], 'regular files only');
    const orphan = doc.files.find((f) => f.fileName === './var/orphan')!;
    assert.deepEqual(doc.relationships.filter((r) => r.relatedSpdxElement === orphan.SPDXID).map((r) => r.spdxElementId), ['SPDXRef-Root']);
    assert.equal(blob.packageVerificationCode?.packageVerificationCodeValue, '56e892b750b146f39a486af8c31d555e9c771b3e', 'SHA-1 of the sorted file SHA-1s (python: hashlib.sha1(b"b" * 40))');
  });

  it('SPDX and CycloneDX are the same for the same input, and CycloneDX validates', async () => {
    assert.equal(JSON.stringify(spdxDocument(input())), JSON.stringify(spdxDocument(input())));
    const text = cyclonedxDocument(input());
    assert.equal(text, cyclonedxDocument(input()));
    assert.equal(await new Validation.JsonStrictValidator(Spec.Version.v1dot5).validate(text), null);
    const bom = JSON.parse(text) as { components: Array<{ name: string; licenses?: unknown[]; components?: Array<{ name: string }> }> };
    assert.deepEqual(bom.components.find((c) => c.name === 'blob_driver')!.licenses, [{ expression: 'LicenseRef-CLOSED' }]);
    assert.equal(bom.components.find((c) => c.name === 'mystery')!.licenses, undefined, 'an unknown license is left out');
    assert.ok(bom.components.some((c) => c.name === './var/orphan'), 'a file no component provided is a top-level component');
  });
});
