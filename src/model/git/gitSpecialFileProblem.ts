import { isDotGitattributesAlias, isDotGitmodulesAlias } from './dotGitNames.js';

/**
 * Why `git fsck --strict` would refuse a file's content, or undefined. git's fsck reads every
 * file named .gitmodules (in any spelling, at any depth) as git config and refuses submodule
 * names with a ".." component, a url or path that would reach a command line as an option
 * (gitmodulesUrl, gitmodulesPath), an update setting that runs a command (gitmodulesUpdate); and
 * every .gitattributes with a line of 2048 bytes or more, or over 100 MiB (see git's fsck.c,
 * fsck_blob). A tree holding one would be refused by every fsck-checking server.
 */
export function gitSpecialFileProblem(name: string, content: Buffer): string | undefined {
  if (isDotGitmodulesAlias(name)) {
    for (const { subsection, key, value } of readSubmoduleSettings(content)) {
      if (!isSubmoduleNameAllowed(subsection)) return `names a submodule ${JSON.stringify(subsection)}, which git's fsck refuses (gitmodulesName)`;
      if (value === null) continue;
      if (key === 'url' && !isSubmoduleUrlAllowed(value)) return `has a submodule url ${JSON.stringify(value)}, which git's fsck refuses (gitmodulesUrl)`;
      if (key === 'path' && value.startsWith('-')) return `has a submodule path ${JSON.stringify(value)}, which git's fsck refuses (gitmodulesPath)`;
      if (key === 'update' && value.startsWith('!')) return `has a submodule update command ${JSON.stringify(value)}, which git's fsck refuses (gitmodulesUpdate)`;
    }
  }
  if (isDotGitattributesAlias(name)) {
    if (content.length > MAX_ATTRIBUTES_FILE) return `is ${content.length} bytes, more than git reads as .gitattributes (gitattributesLarge)`;
    // git's check stops at the first NUL, as a C string would.
    const nul = content.indexOf(0);
    for (let at = 0, end = nul < 0 ? content.length : nul; at < end;) {
      const newline = content.indexOf(0x0a, at);
      const eol = newline < 0 || newline > end ? end : newline;
      if (eol - at >= MAX_ATTRIBUTES_LINE) return `has a line of ${eol - at} bytes, longer than git reads in .gitattributes (gitattributesLineLength)`;
      at = eol + 1;
    }
  }
  return undefined;
}

const MAX_ATTRIBUTES_LINE = 2048;
const MAX_ATTRIBUTES_FILE = 100 * 1024 * 1024;

interface ConfigSetting {
  subsection: string;
  key: string;
  value: string | null;
}

/**
 * The submodule.<name>.<key> settings of a git config text, as git's config parser (config.c,
 * git_parse_source) hands them to fsck: in order, up to the first syntax error (fsck reads what
 * came before it, then only notes gitmodulesParse). A leading UTF-8 byte order mark is a syntax
 * error where char is signed (x86: git compares it as negative numbers) and skipped where it is
 * not (ARM): both readings are checked.
 */
function readSubmoduleSettings(content: Buffer): ConfigSetting[] {
  const out: ConfigSetting[] = [];
  const text = content.toString('latin1');
  const readings = text.startsWith(BOM) ? [...readConfig(text), ...readConfig(text.slice(BOM.length))] : readConfig(text);
  for (const { name, value } of readings) {
    // parse_config_key(var, "submodule", &subsection, ...): "submodule." SUBSECTION "." KEY.
    if (!name.startsWith('submodule.')) continue;
    const dot = name.lastIndexOf('.');
    if (dot <= 'submodule'.length) continue;
    out.push({ subsection: name.slice('submodule.'.length, dot), key: name.slice(dot + 1), value });
  }
  return out;
}

const BOM = '\xef\xbb\xbf';

/** git's config syntax, one char (a byte, as latin1) at a time; the names are "section[.subsection].key". */
function readConfig(text: string): Array<{ name: string; value: string | null }> {
  const out: Array<{ name: string; value: string | null }> = [];
  let at = 0;
  let eof = false;
  // get_next_char: CR LF reads as LF, and the end as a final LF.
  const next = (): string => {
    if (at >= text.length) {
      eof = true;
      return '\n';
    }
    const c = text[at++]!;
    if (c === '\r' && text[at] === '\n') return text[at++]!;
    return c;
  };
  let section = '';
  let comment = false;
  for (;;) {
    let c = next();
    if (c === '\n') {
      if (eof) return out;
      comment = false;
      continue;
    }
    if (comment || isSpace(c)) continue;
    if (c === '#' || c === ';') {
      comment = true;
      continue;
    }
    if (c === '[') {
      const parsed = readSectionHeader(next, () => eof);
      if (parsed === null || parsed === '') return out;
      section = parsed;
      continue;
    }
    if (!/[A-Za-z]/.test(c)) return out;
    let key = c.toLowerCase();
    for (;;) {
      c = next();
      if (eof || !isKeyChar(c)) break;
      key += c.toLowerCase();
    }
    while (c === ' ' || c === '\t') c = next();
    let value: string | null = null;
    if (c !== '\n') {
      if (c !== '=') return out;
      value = readValue(next);
      if (value === null) return out;
    }
    out.push({ name: `${section}.${key}`, value });
    if (eof) return out;
  }
}

/** After "[": "section" or "section.sub" (lowercased) or 'section "Sub"' (kept as written); null on an error. */
function readSectionHeader(next: () => string, atEnd: () => boolean): string | null {
  let name = '';
  for (;;) {
    let c = next();
    if (atEnd()) return null;
    if (c === ']') return name;
    if (isSpace(c)) {
      while (isSpace(c)) {
        if (c === '\n') return null;
        c = next();
      }
      if (c !== '"') return null;
      name += '.';
      for (;;) {
        c = next();
        if (c === '\n') return null;
        if (c === '"') break;
        if (c === '\\') {
          c = next();
          if (c === '\n') return null;
        }
        name += c;
      }
      return next() === ']' ? name : null;
    }
    if (!isKeyChar(c) && c !== '.') return null;
    name += c.toLowerCase();
  }
}

/** After "=": the value with quotes, escapes, comments and trailing blanks resolved; null on an error. */
function readValue(next: () => string): string | null {
  let value = '';
  let quote = false;
  let comment = false;
  let trimAt = 0;
  for (;;) {
    let c = next();
    if (c === '\n') {
      if (quote) return null;
      return trimAt > 0 ? value.slice(0, trimAt) : value;
    }
    if (comment) continue;
    if (isSpace(c) && !quote) {
      if (trimAt === 0) trimAt = value.length;
      if (value.length > 0) value += c;
      continue;
    }
    if (!quote && (c === ';' || c === '#')) {
      comment = true;
      continue;
    }
    trimAt = 0;
    if (c === '\\') {
      c = next();
      if (c === '\n') continue;
      const escaped = ({ t: '\t', b: '\b', n: '\n', '\\': '\\', '"': '"' } as Record<string, string>)[c];
      if (escaped === undefined) return null;
      value += escaped;
      continue;
    }
    if (c === '"') {
      quote = !quote;
      continue;
    }
    value += c;
  }
}

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}

function isKeyChar(c: string): boolean {
  return /^[A-Za-z0-9-]$/.test(c);
}

/** git's check_submodule_name: not empty, and no ".." component ("/" and "\" both separate). */
function isSubmoduleNameAllowed(name: string): boolean {
  return name !== '' && !name.split(/[/\\]/).includes('..');
}

/**
 * git's check_submodule_url: no leading "-"; a relative or git:// url must not hold a newline
 * once %-decoded, nor climb with "../" up to a ":" or "/"; an http(s)/ftp(s) url (also as
 * "http::...") must have a host and no newline once %-decoded. (git normalizes those urls
 * first and refuses what it cannot normalize; this checks the parts of that that matter.)
 */
function isSubmoduleUrlAllowed(url: string): boolean {
  if (url.startsWith('-')) return false;
  if (url.startsWith('./') || url.startsWith('../') || url.startsWith('git://')) {
    if (percentDecoded(url).includes('\n')) return false;
    let rest = url;
    let climbs = 0;
    for (;;) {
      if (rest.startsWith('../')) {
        climbs++;
        rest = rest.slice(3);
      } else if (rest.startsWith('./')) {
        rest = rest.slice(2);
      } else break;
    }
    return !(climbs > 0 && (rest.startsWith(':') || rest.startsWith('/')));
  }
  const curl = /^(?:https?|ftps?)::(.*)$/s.exec(url)?.[1] ?? (/^(?:https?|ftps?):\/\//.test(url) ? url : undefined);
  if (curl === undefined) return true;
  const host = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/(?:[^@/?#]*@)?([^/?#]*)/s.exec(curl)?.[1];
  if (host === undefined || host === '' || /%(?![0-9A-Fa-f]{2})/.test(curl)) return false;
  return !percentDecoded(curl).includes('\n');
}

function percentDecoded(text: string): string {
  return text.replace(/%([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
