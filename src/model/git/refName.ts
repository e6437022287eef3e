import { HacktreeError } from '../../errors/HacktreeError.js';
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

/**
 * A loose ref is a file, and git writes it through NAME.lock: a component must leave room for
 * ".lock" within NAME_MAX (255 bytes), and the whole name room for the repository's path
 * within PATH_MAX (4096).
 */
export const MAX_REF_COMPONENT_BYTES = 250;
export const MAX_REF_NAME_BYTES = 1024;

/** Why a ref name is too long to be a file, or null. */
export function refNameLengthProblem(name: string): string | null {
  const bytes = Buffer.byteLength(name);
  if (bytes > MAX_REF_NAME_BYTES) return `it is ${bytes} bytes long; a ref name may have at most ${MAX_REF_NAME_BYTES}`;
  const longest = Math.max(...name.split('/').map((part) => Buffer.byteLength(part)));
  if (longest > MAX_REF_COMPONENT_BYTES) return `a component between "/" is ${longest} bytes long; one may have at most ${MAX_REF_COMPONENT_BYTES} (a ref is a file)`;
  return null;
}

/** The name when isValidRefName and not too long, else REF_NAME_INVALID naming it. */
export function validateRefName(name: string): string {
  const tooLong = refNameLengthProblem(name);
  if (tooLong !== null) {
    const shown = name.length > 80 ? `${name.slice(0, 60)}…${name.slice(-10)}` : name;
    throw new HacktreeError('REF_NAME_INVALID', `"${shown}" is not a valid branch or ref name: ${tooLong}`, {
      hint: 'choose a shorter name',
      data: { ref: name },
    });
  }
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
