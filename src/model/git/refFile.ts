import { isOid, type Oid } from './oid.js';

/** What a loose ref file holds: a commit id, a symbolic ref ("ref: refs/heads/x"), or something unreadable. */
export type RefFileContent =
  | { kind: 'oid'; oid: Oid }
  | { kind: 'symbolic'; target: string }
  | { kind: 'invalid'; detail: string };

/**
 * Parses a loose ref file as git writes it: an id and a newline, or "ref: NAME". Anything else
 * (empty, an id of the wrong length, garbage) is `invalid` with what is wrong, never "absent":
 * a ref that cannot be read may still be the only name of a history.
 */
export function parseRefFile(text: string): RefFileContent {
  const value = text.trim();
  if (value === '') return { kind: 'invalid', detail: 'the ref file is empty' };
  if (isOid(value)) return { kind: 'oid', oid: value };
  if (value.startsWith('ref: ')) {
    const target = value.slice(5).trim();
    if (/^refs\/[^\s\0]+$/.test(target) && !target.includes('..')) return { kind: 'symbolic', target };
    return { kind: 'invalid', detail: `it is a symbolic ref to ${JSON.stringify(target)}, which is not a ref name under refs/` };
  }
  if (/^[0-9a-fA-F]+$/.test(value)) {
    return value.length === 40
      ? { kind: 'invalid', detail: `it holds ${value}, an id in upper case (git writes lower case)` }
      : { kind: 'invalid', detail: `it holds a ${value.length}-digit id ${quoteStart(value)}, not a 40-digit commit id` };
  }
  return { kind: 'invalid', detail: `it holds ${quoteStart(value)}, not a 40-digit commit id` };
}

/** The start of an unreadable value, quoted, for a message (a ref file could hold megabytes). */
export function quoteStart(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
}
