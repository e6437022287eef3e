/** Seconds for build statistics: two decimals under ten seconds (most steps of a small build), else one. */
export function formatSeconds(seconds: number): string {
  return seconds < 10 ? seconds.toFixed(2) : seconds.toFixed(1);
}
