/**
 * The Debian mirror apt already uses, from the text of /etc/apt/sources.list.d/debian.sources
 * (deb822: the first `URIs:` field) or else /etc/apt/sources.list (the first `deb URL ...`
 * line), as test/fixtures/make-rootfs.sh finds it; null when neither names one.
 */
export function parseAptMirror(sources: { deb822?: string; sourcesList?: string }): string | null {
  for (const line of (sources.deb822 ?? '').split('\n')) {
    const uris = /^URIs:\s*(\S+)/.exec(line);
    if (uris) return uris[1]!;
  }
  for (const line of (sources.sourcesList ?? '').split('\n')) {
    const words = line.trim().split(/\s+/);
    if (words[0] !== 'deb') continue;
    // Options come in brackets before the URL: deb [arch=amd64 signed-by=...] URL suite ...
    const url = words.slice(1).find((word) => /^[a-z+]+:\/\//.test(word));
    if (url !== undefined) return url;
  }
  return null;
}
