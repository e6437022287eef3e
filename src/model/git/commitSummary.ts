import type { GitCommit, GitSignature } from './gitCommit.js';
import type { Oid } from './oid.js';

/** What listings show of a commit: its id, committer date and subject line. */
export interface CommitSummary {
  commit: Oid;
  parents: Oid[];
  author: { name: string; email: string; date: string };
  /** The committer date, ISO 8601 in UTC. */
  date: string;
  subject: string;
  message: string;
}

export function signatureDate(signature: GitSignature): string {
  return new Date(signature.timestamp * 1000).toISOString().replace('.000Z', 'Z');
}

export function summarizeCommit(oid: Oid, commit: GitCommit): CommitSummary {
  return {
    commit: oid,
    parents: commit.parents,
    author: { name: commit.author.name, email: commit.author.email, date: signatureDate(commit.author) },
    date: signatureDate(commit.committer),
    subject: commit.message.split('\n', 1)[0] ?? '',
    message: commit.message.replace(/\n+$/, ''),
  };
}
