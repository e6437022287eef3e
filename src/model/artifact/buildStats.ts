import { HacktreeError } from '../../errors/HacktreeError.js';
import { isArtifactKind, type ArtifactKind } from './artifactName.js';

/**
 * The steps of a build, in the order they run (Yocto's do_fetch ... do_package): buildroot is
 * stacking the toolchain base and the dependencies' artifacts for the sandbox; configure
 * includes autoreconf when the tree needs it.
 */
export const BUILD_STEPS = ['fetch', 'unpack', 'patch', 'buildroot', 'configure', 'make', 'install', 'pack'] as const;
export type BuildStep = (typeof BUILD_STEPS)[number];

/** ran: timed here; skipped: the build had nothing to do in it (no patches); cached, fetched: the whole build was. */
export type StepStatus = 'ran' | 'skipped' | 'cached' | 'fetched';
const STEP_STATUSES: readonly StepStatus[] = ['ran', 'skipped', 'cached', 'fetched'];

export interface StepTime {
  step: BuildStep;
  status: StepStatus;
  /** 0 unless it ran. */
  seconds: number;
}

export interface ArtifactSize {
  kind: ArtifactKind;
  file: string;
  bytes: number;
}

/** One finished build of a recipe for a root and flavor. */
export interface BuildStatsEntry {
  buildId: string;
  /** built here, or fetched from an artifact cache. */
  result: 'built' | 'fetched';
  /** When it finished, ISO 8601 in UTC. */
  finished: string;
  seconds: number;
  /** Every step of BUILD_STEPS, in that order. */
  steps: StepTime[];
  artifacts: ArtifactSize[];
}

export interface BuildKey {
  recipe: string;
  root: string;
  flavor: string;
}

export interface BuildHistory extends BuildKey {
  /** Oldest first, at most STATS_HISTORY. */
  builds: BuildStatsEntry[];
}

/** artifacts/.builds/stats.json: the last builds of every recipe, root and flavor. */
export interface BuildStats {
  version: 1;
  histories: BuildHistory[];
}

/** Builds kept per recipe, root and flavor: enough to compare the last two, and a trend. */
export const STATS_HISTORY = 5;

export function emptyBuildStats(): BuildStats {
  return { version: 1, histories: [] };
}

/** `stats` with `entry` appended to its recipe's history (the oldest dropped past STATS_HISTORY); histories sorted. */
export function addBuildStats(stats: BuildStats, key: BuildKey, entry: BuildStatsEntry): BuildStats {
  const same = (h: BuildKey) => h.recipe === key.recipe && h.root === key.root && h.flavor === key.flavor;
  const old = stats.histories.find(same);
  const history: BuildHistory = { recipe: key.recipe, root: key.root, flavor: key.flavor, builds: [...(old?.builds ?? []), entry].slice(-STATS_HISTORY) };
  const histories = [...stats.histories.filter((h) => !same(h)), history].sort((a, b) => compareKeys(a, b));
  return { version: 1, histories };
}

export function compareKeys(a: BuildKey, b: BuildKey): number {
  return a.recipe.localeCompare(b.recipe) || a.root.localeCompare(b.root) || a.flavor.localeCompare(b.flavor);
}

/**
 * Reads stats.json's text, checking every field a reader relies on; anything else is
 * RECORD_DAMAGED naming `where` and the first thing wrong.
 */
export function parseBuildStats(text: string, where: string): BuildStats {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw damaged(where, `it is not JSON (${(err as Error).message})`);
  }
  const root = objectAt(value, where, 'the file');
  if (root.version !== 1) throw damaged(where, `version is ${JSON.stringify(root.version)}, not 1`);
  if (!Array.isArray(root.histories)) throw damaged(where, 'histories is not a list');
  const histories = root.histories.map((h, i) => parseHistory(h, where, `histories[${i}]`));
  return { version: 1, histories };
}

function parseHistory(value: unknown, where: string, at: string): BuildHistory {
  const h = objectAt(value, where, at);
  for (const field of ['recipe', 'root', 'flavor'] as const) if (typeof h[field] !== 'string') throw damaged(where, `${at}.${field} is not a string`);
  if (!Array.isArray(h.builds)) throw damaged(where, `${at}.builds is not a list`);
  return { recipe: h.recipe as string, root: h.root as string, flavor: h.flavor as string, builds: h.builds.map((b, i) => parseEntry(b, where, `${at}.builds[${i}]`)) };
}

function parseEntry(value: unknown, where: string, at: string): BuildStatsEntry {
  const e = objectAt(value, where, at);
  if (typeof e.buildId !== 'string' || typeof e.finished !== 'string') throw damaged(where, `${at} has no buildId or finished time`);
  if (e.result !== 'built' && e.result !== 'fetched') throw damaged(where, `${at}.result is ${JSON.stringify(e.result)}, not built or fetched`);
  if (!isSeconds(e.seconds)) throw damaged(where, `${at}.seconds is not a number of seconds`);
  if (!Array.isArray(e.steps) || !Array.isArray(e.artifacts)) throw damaged(where, `${at} has no steps or artifacts list`);
  const steps = e.steps.map((s, i) => {
    const step = objectAt(s, where, `${at}.steps[${i}]`);
    if (step.step !== BUILD_STEPS[i]) throw damaged(where, `${at}.steps[${i}] is ${JSON.stringify(step.step)}, not ${BUILD_STEPS[i] ?? 'there'}`);
    if (!STEP_STATUSES.includes(step.status as StepStatus) || !isSeconds(step.seconds)) throw damaged(where, `${at}.steps[${i}] has no valid status and seconds`);
    return { step: BUILD_STEPS[i]!, status: step.status as StepStatus, seconds: step.seconds as number };
  });
  if (steps.length !== BUILD_STEPS.length) throw damaged(where, `${at} has ${steps.length} steps, not ${BUILD_STEPS.length}`);
  const artifacts = e.artifacts.map((a, i) => {
    const artifact = objectAt(a, where, `${at}.artifacts[${i}]`);
    if (typeof artifact.kind !== 'string' || !isArtifactKind(artifact.kind) || typeof artifact.file !== 'string' || !Number.isSafeInteger(artifact.bytes) || (artifact.bytes as number) < 0) {
      throw damaged(where, `${at}.artifacts[${i}] has no valid kind, file and bytes`);
    }
    return { kind: artifact.kind, file: artifact.file, bytes: artifact.bytes as number };
  });
  return { buildId: e.buildId, result: e.result, finished: e.finished, seconds: e.seconds as number, steps, artifacts };
}

function objectAt(value: unknown, where: string, at: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw damaged(where, `${at} is not an object`);
  return value as Record<string, unknown>;
}

function isSeconds(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function damaged(where: string, problem: string): HacktreeError {
  return new HacktreeError('RECORD_DAMAGED', `build statistics ${where} are damaged: ${problem}`, {
    hint: `they are only statistics: remove ${where}, and the next build starts a new file`,
    data: { file: where, problem },
  });
}
