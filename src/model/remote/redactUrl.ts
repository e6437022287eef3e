/**
 * Removes credentials from every URL in a text: `https://user:secret@host/x` becomes
 * `https://***@host/x`. Applied to everything hacktree prints that may hold a URL, including
 * native git's messages.
 */
export function redactUrl(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, '$1***@');
}

/** Whether a URL carries a user name or password. */
export function urlHasCredentials(url: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\/[^/@\s]+@/i.test(url);
}
