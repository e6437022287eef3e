import { HacktreeError } from '../errors/HacktreeError.js';
import { isOid } from './oid.js';

/** git check-ref-format's rules for a branch or ref name, so native git accepts every ref we write. */
export function isValidRefName(name: string): boolean {
  return !(
    name === '' || name === '@' || name.startsWith('/') || name.endsWith('/') || name.endsWith('.') ||
    name.includes('..') || name.includes('//') || name.includes('@{') ||
    /[\x00-\x20\x7f~^:?*[\\]/.test(name) ||
    name.split('/').some((part) => part.startsWith('.') || part.endsWith('.lock'))
  );
}

/** The name when isValidRefName, else REF_NAME_INVALID naming it. */
export function validateRefName(name: string): string {
  if (!isValidRefName(name)) {
    throw new HacktreeError('REF_NAME_INVALID', `"${name}" is not a valid branch or ref name`, {
      hint: 'use letters, digits, ".", "-", "_" and "/" between components, as git check-ref-format allows',
      data: { ref: name },
    });
  }
  return name;
}

/**
 * Branch namespaces hacktree's own commands write, each through one command that keeps what
 * that namespace promises (a local record in each commit, a checked-out build base).
 */
const RESERVED_BRANCHES: ReadonlyArray<{ name: string; writer: string }> = [
  { name: 'local', writer: '"hacktree root install-local", "hacktree make" and "hacktree config apply"' },
  { name: 'base', writer: '"hacktree bootstrap"' },
];

/**
 * The branches a user may write with `hacktree root commit`: a plain branch name (stored as
 * refs/heads/NAME) that passes git check-ref-format, is not HEAD, does not start with "-", is
 * not a 40-digit commit id, and is not under local/ or base/. root-NAME branches are allowed
 * (a root committed by hand); full ref names ("refs/...") are not, so a user commit can never
 * move refs/hacktree/* (imported artifacts, build roots, deployment pins) or anything outside
 * refs/heads/.
 */
export function validateUserBranchName(name: string): string {
  const refuse = (why: string, hint: string): never => {
    throw new HacktreeError('REF_NAME_INVALID', `cannot commit to "${name}": ${why}`, { hint, data: { branch: name } });
  };
  const plain = 'give a plain branch name such as my-root or root-NAME (stored as refs/heads/NAME)';
  if (name.startsWith('refs/')) refuse('a full ref name; root commit writes only branches under refs/heads/', plain);
  if (name === 'HEAD') refuse('HEAD is not a branch name (git check-ref-format --branch refuses it)', plain);
  if (name.startsWith('-')) refuse('a branch name cannot start with "-" (git check-ref-format --branch refuses it)', plain);
  if (isOid(name)) refuse('a 40-digit name is read as a commit id, so that branch could never be named', plain);
  for (const reserved of RESERVED_BRANCHES) {
    if (name.startsWith(`${reserved.name}/`)) {
      refuse(`branches under ${reserved.name}/ are written only by ${reserved.writer}`, `use that command, or ${plain}`);
    }
  }
  return validateRefName(name);
}
