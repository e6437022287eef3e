import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { startNginx, type NginxServer } from '../helpers/nginxServer.js';
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

// Then the root to machines, as the README goes on: signed and published as a static
// repository that nginx serves at http://releases.example.org/ (a name the journey's own
// /etc/hosts gives an address of the loopback, so the README's URL is the one used). The
// publisher's repository is the journeys' cached one: an overlay keeps what this story commits
// out of the cache. The machine is the same journey machine with empty /var/lib/hacktree and
// /opt/hacktree mounted over the publisher's, so its commands are the README's, defaults and all.
const RELEASES = { host: '127.86.0.16', port: 80 };
const RELEASE_INDEX = () => JSON.parse(readFileSync(join(s.shell().home, 'publish/roots/index.json'), 'utf8')) as {
  roots: Record<string, string>;
  expires: string;
  commits: Record<string, { packs: string[]; delta?: { pack: string } }>;
};
let releases: NginxServer | undefined;
after(() => releases?.stop());

function checked(command: string): string {
  const r = s.check(command);
  assert.equal(r.status, 0, `$ ${command}\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

const toMachine = () => checked('mkdir -p ~/.machine/lib ~/.machine/opt && mount --bind ~/.machine/lib /var/lib/hacktree && mount --bind ~/.machine/opt /opt/hacktree');
const packsServed = (from: number) => readFileSync(join(s.shell().home, '.nginx/access.log'), 'utf8').slice(from).split('\n').flatMap((l) => /"GET \/roots\/packs\/([0-9a-f]{64})\.pack\.zst /.exec(l)?.[1] ?? []);
const accessLogSize = () => readFileSync(join(s.shell().home, '.nginx/access.log'), 'utf8').length;

test('the publisher signs the root and publishes it as a static repository, its index signed and valid for 7 days', () => {
  checked('mkdir -p ~/.publisher/upper ~/.publisher/work && mount -t overlay overlay -o "lowerdir=/var/lib/hacktree,upperdir=$HOME/.publisher/upper,workdir=$HOME/.publisher/work" /var/lib/hacktree');
  s.step("ssh-keygen -q -t ed25519 -N '' -C release@example.org -f ~/release_ed25519");
  s.step('hacktree root compose 3.2-runtime-opt-x86_64 --sign ~/release_ed25519');
  s.step('hacktree publish ~/publish/roots 3.2-runtime-opt-x86_64 --keep 3 --sign ~/release_ed25519');
  const index = RELEASE_INDEX();
  const commit = checked(`git --git-dir=/var/lib/hacktree/repo rev-parse root-${ROOT}`).trim();
  assert.equal(index.roots[`root-${ROOT}`], commit);
  assert.ok(Date.parse(index.expires) > Date.now() + 6 * 86_400_000, `valid for a week: ${index.expires}`);
  checked(`git --git-dir=/var/lib/hacktree/repo cat-file commit root-${ROOT} | grep -q '^gpgsig -----BEGIN SSH SIGNATURE'`);
  checked('ls ~/publish/roots/signatures/$(sha256sum < ~/publish/roots/index.json | cut -c1-64).sig');
});

test('a machine pulls the root from the web server, checked against the key, deploys it and runs it', async () => {
  const home = s.shell().home;
  releases = await startNginx({ dir: join(home, '.nginx'), root: join(home, 'publish'), listen: RELEASES });
  checked(`cp /etc/hosts ~/.hosts && echo '${RELEASES.host} releases.example.org' >> ~/.hosts && mount --bind ~/.hosts /etc/hosts`);
  toMachine();
  s.step('echo "release@example.org $(cat ~/release_ed25519.pub)" > /etc/hacktree/allowed_signers');
  s.step('hacktree init');
  s.step('hacktree remote add releases http://releases.example.org/roots --static --verify --allowed-signers /etc/hacktree/allowed_signers');
  const logFrom = accessLogSize();
  s.step(`hacktree pull releases ${ROOT}`);
  const index = RELEASE_INDEX();
  const published = index.roots[`root-${ROOT}`]!;
  assert.equal(checked(`git --git-dir=/var/lib/hacktree/repo rev-parse root-${ROOT}`).trim(), published, 'the machine has the published commit');
  assert.deepEqual(packsServed(logFrom).sort(), [...index.commits[published]!.packs].sort(), 'its packs came from the web server, each once');
  s.step(`hacktree root checkout ${ROOT}`);
  assert.match(s.step(`hacktree root run ${ROOT} -- hello`), /Hello, world!/);
  assert.ok(!checked('ls /opt/hacktree').includes('i686'), 'the machine deployed only what it pulled');
});

test('the next version goes out by the same lines; the machine upgrades, downloading only its delta', () => {
  checked('umount /var/lib/hacktree');
  const before = RELEASE_INDEX().roots[`root-${ROOT}`]!;
  s.step('hacktree root compose 3.2-runtime-opt-x86_64 --sign ~/release_ed25519');
  s.step('hacktree publish ~/publish/roots 3.2-runtime-opt-x86_64 --keep 3 --sign ~/release_ed25519');
  const index = RELEASE_INDEX();
  const next = index.roots[`root-${ROOT}`]!;
  assert.notEqual(next, before);
  checked('mount --bind ~/.machine/lib /var/lib/hacktree');
  assert.match(s.step(`hacktree root upgrade ${ROOT} --check`), /available/);
  const logFrom = accessLogSize();
  s.step(`hacktree root upgrade ${ROOT}`);
  assert.equal(checked(`git --git-dir=/var/lib/hacktree/repo rev-parse root-${ROOT}`).trim(), next);
  assert.deepEqual(packsServed(logFrom), [index.commits[next]!.delta!.pack], 'only the delta pack travelled');
  const status = JSON.parse(checked(`hacktree root status ${ROOT} --json`)) as Array<{ current: { commit: string } }>;
  assert.equal(status[0]!.current.commit, next, 'the machine runs the new version');
  assert.match(s.step(`hacktree root run ${ROOT} -- hello`), /Hello, world!/);
  s.step('hacktree fsck');
});
