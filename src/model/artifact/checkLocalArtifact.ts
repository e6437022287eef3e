import { HacktreeError } from '../../errors/HacktreeError.js';
import { parseArtifactName, type ArtifactName } from './artifactName.js';
import { buildRootOf, type RootName } from '../root/rootName.js';

/**
 * Whether an artifact file name may be installed into a root's local branch: origin local
 * (`o=local`; a master artifact belongs to `root compose`), built against this root (`r=` is the
 * root's VERSION-FLAVOR-ARCH, `a=` its arch when given), of either flavor (`b=`: a debug build
 * of one component in an opt root is what `make debug` is for), and a -devel only in a devel
 * root.
 */
export function checkLocalArtifact(fileName: string, root: RootName, rootName: string): ArtifactName {
  const artifact = parseArtifactName(fileName);
  const { o, r, b, a } = artifact.keys;
  if (o !== 'local') {
    throw new HacktreeError('ARTIFACT_NAME_INVALID', `artifact ${fileName} has ${o === undefined ? 'no o=' : `o=${o}`}; install-local takes local artifacts (o=local)`, {
      hint: 'pack it with "hacktree artifact pack … --origin local"; master artifacts go into roots through "hacktree root compose"',
      data: { artifact: fileName, origin: o ?? null },
    });
  }
  const mismatch = (what: string, expected: string, found: string | undefined) =>
    new HacktreeError('ARTIFACT_ROOT_MISMATCH', `artifact ${fileName} was built with ${what}=${found ?? '(none)'}, but root ${rootName} needs ${what}=${expected}`, {
      hint: `rebuild it against the root: "hacktree artifact pack … --root ${buildRootOf(root)} --flavor ${root.flavor} --origin local"`,
      data: { artifact: fileName, key: what, expected, found: found ?? null },
    });
  if (r !== buildRootOf(root)) throw mismatch('r', buildRootOf(root), r);
  // A local branch may hold a component of the other flavor (`make debug` in an opt root);
  // it says which it is. Master composes stay one flavor.
  if (b === undefined) throw mismatch('b', `${root.flavor} (or ${root.flavor === 'opt' ? 'debug' : 'opt'})`, b);
  if (a !== undefined && a !== root.arch) throw mismatch('a', root.arch, a);
  if (artifact.kind === 'devel' && root.kind !== 'devel') {
    throw new HacktreeError('ARTIFACT_ROOT_MISMATCH', `artifact ${fileName} is a -devel artifact, but root ${rootName} is a ${root.kind} root (only devel roots hold -devel artifacts)`, {
      hint: 'install it into the devel root of the same version, or install only the -runtime artifact here',
      data: { artifact: fileName, rootKind: root.kind },
    });
  }
  return artifact;
}
