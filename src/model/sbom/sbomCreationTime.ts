import { HacktreeError } from '../../errors/HacktreeError.js';

/**
 * When an SBOM says it was made: $SOURCE_DATE_EPOCH when set (reproducible builds' convention,
 * so two runs give the same bytes), else now; whole seconds either way, as SPDX writes them.
 */
export function sbomCreationTime(env: Readonly<Record<string, string | undefined>>, now: Date): Date {
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch === undefined || epoch === '') return new Date(Math.floor(now.getTime() / 1000) * 1000);
  if (!/^\d+$/.test(epoch) || !Number.isSafeInteger(Number(epoch) * 1000)) {
    throw new HacktreeError('USAGE', `SOURCE_DATE_EPOCH=${JSON.stringify(epoch)} is not a whole number of seconds`, {
      hint: 'set SOURCE_DATE_EPOCH to a Unix timestamp such as 1700000000, or unset it for the current time',
      data: { SOURCE_DATE_EPOCH: epoch },
    });
  }
  return new Date(Number(epoch) * 1000);
}

/** 2026-12-07T06:55:41Z: ISO 8601 in UTC without fractions, SPDX's `created` format. */
export function formatSbomTime(time: Date): string {
  return time.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
