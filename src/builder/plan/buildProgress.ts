import type { BuildKey, BuildStep } from '../../model/artifact/buildStats.js';

/**
 * What `hacktree build` tells a live display as it goes (runBuilds' onProgress): how many builds
 * the plan holds, each step a build begins, each build done (cached ones at once), each failure.
 */
export type BuildProgress =
  | { event: 'planned'; total: number }
  | { event: 'step'; build: BuildKey; step: BuildStep }
  | { event: 'done'; build: BuildKey; result: 'cached' | 'fetched' | 'built'; seconds: number }
  | { event: 'failed'; build: BuildKey; step: BuildStep | undefined; message: string };
