/**
 * One line of a credentials file in git's credential-store format,
 * `https://user:password@host[:port][/path]`, user and password percent-encoded.
 */
export interface CredentialLine {
  protocol: string;
  host: string;
  path: string;
  user: string;
  password: string;
}

export function parseCredentialLine(line: string): CredentialLine | null {
  const text = line.trim();
  if (text === '' || text.startsWith('#')) return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.username === '') return null;
  return {
    protocol: url.protocol,
    host: url.host,
    path: url.pathname.replace(/\/+$/, ''),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  };
}

/** The first line for this URL: same protocol and host (with port), and its path a prefix of the URL's (none: any). */
export function matchCredential(lines: readonly CredentialLine[], remoteUrl: string): CredentialLine | null {
  let url: URL;
  try {
    url = new URL(remoteUrl);
  } catch {
    return null;
  }
  return (
    lines.find(
      (l) => l.protocol === url.protocol && l.host === url.host && (l.path === '' || url.pathname === l.path || url.pathname.startsWith(`${l.path}/`)),
    ) ?? null
  );
}
