import { HacktreeError } from '../../errors/HacktreeError.js';
import { isOid, type Oid } from './oid.js';

export interface GitSignature {
  name: string;
  email: string;
  /** Seconds since the epoch. */
  timestamp: number;
  /** Minutes east of UTC. */
  timezoneOffset: number;
}

export interface GitCommit {
  tree: Oid;
  parents: Oid[];
  author: GitSignature;
  committer: GitSignature;
  message: string;
  /** An armored signature (SSH or OpenPGP) over the commit without this header: git's gpgsig. */
  gpgsig?: string;
}

function formatSignature(s: GitSignature): string {
  const sign = s.timezoneOffset < 0 ? '-' : '+';
  const abs = Math.abs(s.timezoneOffset);
  const tz = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
  return `${s.name} <${s.email}> ${s.timestamp} ${tz}`;
}

function parseSignature(text: string, oid: string): GitSignature {
  const m = /^(.*) <(.*)> (\d+) ([+-])(\d\d)(\d\d)$/.exec(text);
  if (!m) throw corrupt(oid, `bad signature "${text}"`);
  const offset = Number(m[5]) * 60 + Number(m[6]);
  return { name: m[1]!, email: m[2]!, timestamp: Number(m[3]), timezoneOffset: m[4] === '-' ? -offset : offset };
}

export function serializeCommit(c: GitCommit): Buffer {
  const lines = [`tree ${c.tree}`, ...c.parents.map((p) => `parent ${p}`)];
  lines.push(`author ${formatSignature(c.author)}`, `committer ${formatSignature(c.committer)}`);
  // Continuation lines of a multi-line header start with a space, as git writes them.
  if (c.gpgsig !== undefined) lines.push(`gpgsig ${c.gpgsig.trimEnd().split('\n').join('\n ')}`);
  const message = c.message.endsWith('\n') ? c.message : `${c.message}\n`;
  return Buffer.from(`${lines.join('\n')}\n\n${message}`);
}

export function parseCommit(body: Buffer, oid: string): GitCommit {
  const text = body.toString('utf8');
  const split = text.indexOf('\n\n');
  const headers = (split < 0 ? text : text.slice(0, split)).split('\n');
  const message = split < 0 ? '' : text.slice(split + 2);
  let tree: Oid | undefined;
  const parents: Oid[] = [];
  let author: GitSignature | undefined;
  let committer: GitSignature | undefined;
  for (const header of headers) {
    const space = header.indexOf(' ');
    const key = header.slice(0, space);
    const value = header.slice(space + 1);
    if (key === 'tree' && isOid(value)) tree = value;
    else if (key === 'parent' && isOid(value)) parents.push(value);
    else if (key === 'author') author = parseSignature(value, oid);
    else if (key === 'committer') committer = parseSignature(value, oid);
  }
  if (!tree || !author || !committer) throw corrupt(oid, 'missing tree, author or committer');
  return { tree, parents, author, committer, message };
}

function corrupt(oid: string, why: string): HacktreeError {
  return new HacktreeError('OBJECT_CORRUPT', `commit ${oid}: ${why}`, {
    hint: 'run "hacktree fsck" to find damaged objects',
    data: { oid },
  });
}
