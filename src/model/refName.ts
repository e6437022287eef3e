import { HacktreeError } from '../errors/HacktreeError.js';

/** git check-ref-format's rules for a branch or ref name, so native git accepts every ref we write. */
export function validateRefName(name: string): string {
  const bad =
    name === '' || name === '@' || name.startsWith('/') || name.endsWith('/') || name.endsWith('.') ||
    name.includes('..') || name.includes('//') || name.includes('@{') ||
    /[\x00-\x20\x7f~^:?*[\\]/.test(name) ||
    name.split('/').some((part) => part.startsWith('.') || part.endsWith('.lock'));
  if (bad) {
    throw new HacktreeError('USAGE', `"${name}" is not a valid branch or ref name`, {
      hint: 'use letters, digits, ".", "-", "_" and "/" between components, as git check-ref-format allows',
      data: { ref: name },
    });
  }
  return name;
}
