/**
 * Names and symlink targets are bytes (git trees, tar headers and the kernel all store bytes);
 * hacktree holds them as JS strings that round-trip those bytes exactly: valid UTF-8 decodes as
 * it always did, and each byte that is not part of valid UTF-8 becomes the lone surrogate
 * U+DC80 + byte (Python's "surrogateescape", which os.fsdecode uses too). Valid UTF-8 never
 * decodes to a lone surrogate, so the mapping is one-to-one and a UTF-8 name's string, tree
 * entry and meta line are what they were before. Every byte boundary (tar header, git tree,
 * kernel) converts with decodePathBytes / encodePathBytes / fsPath; only display escapes.
 */

/** A lone surrogate U+DC80..U+DCFF (not the low half of a pair): one raw byte. */
const RAW_BYTE = /(?<![\ud800-\udbff])[\udc80-\udcff]/;
const RAW_BYTES = /(?<![\ud800-\udbff])[\udc80-\udcff]/g;
const ESCAPE_BASE = 0xdc00;

/** Does this string hold bytes that are not UTF-8 (see above)? */
export function hasRawBytes(text: string): boolean {
  return RAW_BYTE.test(text);
}

/** The string of a name's or target's bytes (bytes[start, end)). */
export function decodePathBytes(bytes: Uint8Array, start = 0, end = bytes.length): string {
  const view = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = view.toString('utf8', start, end);
  // Node replaces each invalid sequence with U+FFFD: without one, the bytes were valid UTF-8.
  return text.includes('\ufffd') ? decodeSlowly(view, start, end) : text;
}

/** The bytes a string from decodePathBytes stands for. Other lone surrogates encode as U+FFFD, as Buffer.from does. */
export function encodePathBytes(text: string): Buffer {
  if (!hasRawBytes(text)) return Buffer.from(text, 'utf8');
  const out = Buffer.allocUnsafe(Buffer.byteLength(text, 'utf8'));
  let at = 0;
  let from = 0;
  for (const match of text.matchAll(RAW_BYTES)) {
    at += out.write(text.slice(from, match.index), at, 'utf8');
    out[at++] = text.charCodeAt(match.index!) - ESCAPE_BASE;
    from = match.index! + 1;
  }
  at += out.write(text.slice(from), at, 'utf8');
  return out.subarray(0, at);
}

/** How many bytes encodePathBytes gives. */
export function pathByteLength(text: string): number {
  return hasRawBytes(text) ? encodePathBytes(text).length : Buffer.byteLength(text, 'utf8');
}

/**
 * A path for node:fs and the native addon: the string itself when it is UTF-8 (node encodes
 * it so), else its bytes as a Buffer (node would turn a raw byte into U+FFFD).
 */
export function fsPath(path: string): string | Buffer {
  return hasRawBytes(path) ? encodePathBytes(path) : path;
}

/**
 * A name or target for people to read, as git's quotePath shows one: unchanged when it is
 * printable UTF-8, else in double quotes with C escapes (\t, \n, \", \\, and \xff for a byte
 * that is not UTF-8 or a control character), so two different names never look the same.
 */
export function quotePath(text: string): string {
  if (!NEEDS_QUOTES.test(text) && !hasRawBytes(text)) return text;
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const escaped = code >= 0xdc80 && code <= 0xdcff && !(i > 0 && isHighSurrogate(text.charCodeAt(i - 1)))
      ? code - ESCAPE_BASE
      : code < 0x20 || code === 0x7f ? code : -1;
    if (escaped >= 0) out += SHORT_ESCAPES[escaped] ?? `\\x${escaped.toString(16).padStart(2, '0')}`;
    else if (code === 0x22 || code === 0x5c) out += `\\${text[i]}`;
    else out += text[i];
  }
  return `${out}"`;
}

/**
 * A path as the user gives it back: quotePath's quoted form (copied from `root ls`, say) is
 * unquoted, which is the only way to name bytes that are not UTF-8 on a command line (node
 * decodes its arguments as UTF-8); anything else is the path itself.
 */
export function unquotePath(text: string): string {
  if (text.length < 2 || !text.startsWith('"') || !text.endsWith('"')) return text;
  return text.slice(1, -1).replace(/\\(x[0-9a-fA-F]{2}|.)/g, (_m, escape: string) => {
    if (escape.length === 3) {
      const byte = parseInt(escape.slice(1), 16);
      return String.fromCharCode(byte >= 0x80 ? ESCAPE_BASE + byte : byte);
    }
    return ({ t: '\t', n: '\n', r: '\r' } as Record<string, string>)[escape] ?? escape;
  });
}

/** Control characters, and a leading quote (which would otherwise read as quoting). */
const NEEDS_QUOTES = /[\x00-\x1f\x7f]|^"/;
const SHORT_ESCAPES: Readonly<Record<number, string>> = { 0x09: '\\t', 0x0a: '\\n', 0x0d: '\\r' };

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** UTF-8's well-formed sequences (Unicode table 3-7) decoded; every other byte escaped alone. */
function decodeSlowly(bytes: Buffer, start: number, end: number): string {
  let out = '';
  let runStart = start;
  let i = start;
  const flush = (to: number) => {
    if (to > runStart) out += bytes.toString('utf8', runStart, to);
  };
  while (i < end) {
    const length = sequenceLength(bytes, i, end);
    if (length > 0) {
      i += length;
      continue;
    }
    flush(i);
    out += String.fromCharCode(ESCAPE_BASE + bytes[i]!);
    runStart = ++i;
  }
  flush(end);
  return out;
}

/** The length of the well-formed UTF-8 sequence at bytes[i], or 0 when there is none. */
function sequenceLength(bytes: Buffer, i: number, end: number): number {
  const b0 = bytes[i]!;
  if (b0 < 0x80) return 1;
  const cont = (k: number, low = 0x80, high = 0xbf) => i + k < end && bytes[i + k]! >= low && bytes[i + k]! <= high;
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const second = b0 === 0xe0 ? cont(1, 0xa0) : b0 === 0xed ? cont(1, 0x80, 0x9f) : cont(1);
    return second && cont(2) ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const second = b0 === 0xf0 ? cont(1, 0x90) : b0 === 0xf4 ? cont(1, 0x80, 0x8f) : cont(1);
    return second && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}
