import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errnoOf } from '../../errors/errnoOf.js';
import { isHacktreeError, type HacktreeError } from '../../errors/HacktreeError.js';
import { addBuildStats, emptyBuildStats, parseBuildStats, type BuildKey, type BuildStats, type BuildStatsEntry } from '../../model/artifact/buildStats.js';
import { writeFileDurably } from '../../platform/fs/writeFileDurably.js';

/** Beside the build records: artifacts/.builds/stats.json. */
export function buildStatsPath(artifactsDir: string): string {
  return join(artifactsDir, '.builds', 'stats.json');
}

/** The recorded statistics (none yet when the file is missing); a damaged file is BUILD_STATS_DAMAGED naming it. */
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

/**
 * Adds a finished build to stats.json, atomically. Statistics never fail a build: a damaged
 * file is replaced by one holding this build (onDamaged says what was wrong with it).
 */
export function recordBuildStats(artifactsDir: string, key: BuildKey, entry: BuildStatsEntry, onDamaged?: (err: HacktreeError) => void): void {
  let stats: BuildStats;
  try {
    stats = readBuildStats(artifactsDir);
  } catch (err) {
    if (!isHacktreeError(err, 'BUILD_STATS_DAMAGED')) throw err;
    onDamaged?.(err);
    stats = emptyBuildStats();
  }
  writeFileDurably(buildStatsPath(artifactsDir), `${JSON.stringify(addBuildStats(stats, key, entry), null, 2)}\n`);
}
