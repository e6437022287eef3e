import { HacktreeError } from '../../errors/HacktreeError.js';

/**
 * An artifact's identity, carried by its file name `NAME-KIND,k=v,...,.tar.gz`:
 * `gdk-pixbuf-runtime,b=opt,o=master,r=3.2-opt-x86_64,v=2.24.0-10-g1d39095,.tar.gz`.
 * Well-known keys: o (origin master|local), r (the root it was compiled against), b (flavor
 * opt|debug), v (version), a (architecture). Unknown keys are kept so older hacktrees can
 * carry names written by newer ones.
 */
export interface ArtifactName {
  name: string;
  kind: ArtifactKind;
  keys: Record<string, string>;
}

export type ArtifactKind = 'runtime' | 'devel';

export const ARTIFACT_KINDS: readonly ArtifactKind[] = ['runtime', 'devel'];

const SUFFIX = ',.tar.gz';
// A leading letter or digit keeps names from looking like options or hidden files; the rest is
// what recipe names use (libstdc++, python3.11, gtk+3). No ',' or '=': they delimit the name.
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;
const KEY_PATTERN = /^[a-z][a-z0-9_]*$/;
// ',' '=' delimit items, '/' would make a path, NUL ends a C string; control characters would
// make the file name unprintable in a shell.
const VALUE_FORBIDDEN = /[,=/\x00-\x1f\x7f]/;
const KNOWN_VALUES: Record<string, readonly string[]> = {
  o: ['master', 'local'],
  b: ['opt', 'debug'],
};

/** The canonical file name: keys in sorted order, so one artifact has exactly one name. */
export function formatArtifactName(artifact: ArtifactName): string {
  const where = `${artifact.name}-${artifact.kind}`;
  checkName(artifact.name, where);
  if (!ARTIFACT_KINDS.includes(artifact.kind)) throw invalid(where, `unknown kind '${String(artifact.kind)}'`);
  const items = Object.keys(artifact.keys).sort().map((key) => {
    const value = artifact.keys[key]!;
    checkKey(key, where);
    checkValue(key, value, where);
    return `${key}=${value}`;
  });
  return [`${artifact.name}-${artifact.kind}`, ...items].join(',') + SUFFIX;
}

/** The file name an artifact is stored under (the same string as formatArtifactName). */
export const artifactFileName = formatArtifactName;

/** Parses a file name (not a path); keys may come in any order. */
export function parseArtifactName(fileName: string): ArtifactName {
  const where = fileName;
  if (fileName.includes('/')) throw invalid(where, "contains '/'; give the file name, not a path");
  if (!fileName.endsWith(SUFFIX)) throw invalid(where, `missing trailing '${SUFFIX}'`);
  const [head, ...items] = fileName.slice(0, -SUFFIX.length).split(',');
  const dash = head!.lastIndexOf('-');
  if (dash < 0) throw invalid(where, `'${head}' has no '-KIND' (runtime or devel) after the name`);
  const name = head!.slice(0, dash);
  const kind = head!.slice(dash + 1);
  if (!isArtifactKind(kind)) throw invalid(where, `unknown kind '${kind}', expected runtime or devel`);
  checkName(name, where);
  const keys: Record<string, string> = {};
  for (const item of items) {
    if (item === '') throw invalid(where, "has an empty item (',,')");
    const eq = item.indexOf('=');
    const key = eq < 0 ? item : item.slice(0, eq);
    checkKey(key, where);
    if (eq < 0 || eq === item.length - 1) throw invalid(where, `key '${key}' has no value`);
    if (Object.hasOwn(keys, key)) throw invalid(where, `key '${key}' appears twice`);
    const value = item.slice(eq + 1);
    checkValue(key, value, where);
    keys[key] = value;
  }
  return { name, kind, keys };
}

export function isArtifactKind(text: string): text is ArtifactKind {
  return (ARTIFACT_KINDS as readonly string[]).includes(text);
}

function checkName(name: string, where: string): void {
  if (name === '') throw invalid(where, 'has an empty name before the kind');
  if (!NAME_PATTERN.test(name)) {
    throw invalid(where, `name '${name}' must start with a letter or digit and contain only letters, digits, '.', '_', '+' and '-'`);
  }
}

function checkKey(key: string, where: string): void {
  if (key === '') throw invalid(where, 'has an item with an empty key');
  if (!KEY_PATTERN.test(key)) throw invalid(where, `key '${key}' must be lowercase letters, digits and '_', starting with a letter`);
}

function checkValue(key: string, value: string, where: string): void {
  if (value === '') throw invalid(where, `key '${key}' has no value`);
  if (VALUE_FORBIDDEN.test(value)) {
    throw invalid(where, `key '${key}' has value ${JSON.stringify(value)} containing ',', '=', '/', NUL or a control character`);
  }
  const allowed = KNOWN_VALUES[key];
  if (allowed && !allowed.includes(value)) {
    throw invalid(where, `key '${key}' has value '${value}', expected ${allowed.join(' or ')}`);
  }
}

/** `where` is the file name (or NAME-KIND when formatting), quoted in the message. */
function invalid(where: string, why: string): HacktreeError {
  return new HacktreeError('ARTIFACT_NAME_INVALID', `artifact name ${JSON.stringify(where)}: ${why}`, {
    hint: "artifact file names look like NAME-runtime,b=opt,o=master,r=ROOT,v=VERSION,.tar.gz",
    data: { artifactName: where, reason: why },
  });
}
