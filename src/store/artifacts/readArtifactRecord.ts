import { HacktreeError } from '../../errors/HacktreeError.js';
import { artifactRecordParser, type ArtifactRecord } from '../../model/artifact/artifactRecordSchema.js';
import type { Oid } from '../../model/git/oid.js';
import { ARTIFACT_REF_PREFIX } from './importArtifact.js';

/**
 * The record an imported artifact's commit holds (the "artifact" file of its tree, `text`), checked
 * against its schema and against its ref (refs/hacktree/artifacts/<sha256>). The commit is the
 * only record of what was imported: a damaged one is an error, not a guess.
 */
export function readArtifactRecord(options: { ref: string; commit: Oid; text: string | undefined }): ArtifactRecord {
  const { ref, commit, text } = options;
  const parsed = text === undefined ? { ok: false as const, why: 'its tree has no "artifact" record' } : artifactRecordParser.parse(text);
  const sha256 = ref.startsWith(ARTIFACT_REF_PREFIX) ? ref.slice(ARTIFACT_REF_PREFIX.length) : null;
  if (parsed.ok && (sha256 === null || parsed.value.sha256 === sha256)) return parsed.value;
  const why = parsed.ok ? `it records sha256 ${parsed.value.sha256}, not the ${sha256} its ref names` : parsed.why;
  throw new HacktreeError('RECORD_DAMAGED', `the artifact record of commit ${commit} (${ref}) is damaged: ${why}`, {
    hint: `run "hacktree fsck" to see what else is damaged; delete the ref ("git --git-dir=REPO update-ref -d ${ref}") and import the artifact again`,
    data: { ref, commit, reason: why },
  });
}
