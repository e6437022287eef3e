import { readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { errnoOf } from '../../errors/errnoOf.js';
import { isHacktreeError, type HacktreeError } from '../../errors/HacktreeError.js';
import { parseArtifactName } from '../../model/artifact/artifactName.js';
import { addBuildStats, emptyBuildStats, parseBuildStats, type BuildKey, type BuildStats, type BuildStatsEntry } from '../../model/artifact/buildStats.js';
import { writeFileDurably } from '../../platform/fs/writeFileDurably.js';

/** Beside the build records: artifacts/.builds/stats.json. */
export function buildStatsPath(artifactsDir: string): string {
  return join(artifactsDir, '.builds', 'stats.json');
}

/** The recorded statistics (none yet when the file is missing); a damaged file is RECORD_DAMAGED naming it. */
export function readBuildStats(artifactsDir: string): BuildStats {
  const path = buildStatsPath(artifactsDir);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return emptyBuildStats();
    throw err;
  }
  return parseBuildStats(text, path);
}

/** A build or fetch that just finished, as runBuilds knows it. */
export interface FinishedBuild extends BuildKey, Pick<BuildStatsEntry, 'buildId' | 'result' | 'seconds' | 'steps'> {
  /** Paths of its artifacts, in artifacts/. */
  artifacts: string[];
}

/**
 * Adds a finished build, with its artifacts' sizes, to stats.json, atomically. Statistics never
 * fail a build: a damaged file is replaced by one holding this build (onDamaged says what was
 * wrong with it).
 */
export function recordBuildStats(artifactsDir: string, build: FinishedBuild, onDamaged?: (err: HacktreeError) => void): void {
  const artifacts = build.artifacts.map((path) => ({ kind: parseArtifactName(basename(path)).kind, file: basename(path), bytes: statSync(path).size }));
  const entry: BuildStatsEntry = { buildId: build.buildId, result: build.result, finished: new Date().toISOString(), seconds: build.seconds, steps: build.steps, artifacts };
  let stats: BuildStats;
  try {
    stats = readBuildStats(artifactsDir);
  } catch (err) {
    if (!isHacktreeError(err, 'RECORD_DAMAGED')) throw err;
    onDamaged?.(err);
    stats = emptyBuildStats();
  }
  const key = { recipe: build.recipe, root: build.root, flavor: build.flavor };
  writeFileDurably(buildStatsPath(artifactsDir), `${JSON.stringify(addBuildStats(stats, key, entry), null, 2)}\n`);
}
