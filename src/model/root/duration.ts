import { HacktreeError } from '../../errors/HacktreeError.js';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** "30d", "12h", "2w", "90m", "45s" (or plain seconds) as seconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+)([smhdw]?)$/.exec(text.trim());
  if (!m) {
    throw new HacktreeError('USAGE', `"${text}" is not a duration`, {
      hint: 'give a number and a unit: s, m, h, d or w (for example 30d or 12h)',
      data: { duration: text },
    });
  }
  return Number(m[1]) * UNIT_SECONDS[m[2] || 's']!;
}
