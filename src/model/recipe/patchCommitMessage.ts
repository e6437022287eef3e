/**
 * The commit message a recipe's patch stands for, as `git am` would take it: for a git
 * format-patch file its Subject (without "[PATCH n/m]", folded lines joined) and then its body
 * up to the "---" line before the diff; for any other patch (plain diff, quilt header) the
 * file name, since a free-form header has no subject to trust.
 */
export function patchCommitMessage(fileName: string, text: string): string {
  const lines = text.split('\n', 4000).map((line) => line.replace(/\r$/, ''));
  let at = /^From [0-9a-f]{40} /.test(lines[0] ?? '') ? 1 : 0;
  const headers = new Map<string, string>();
  let last: string | undefined;
  for (; at < lines.length && lines[at] !== ''; at++) {
    const line = lines[at]!;
    const folded = /^[ \t]/.test(line);
    const header = /^([A-Za-z][A-Za-z0-9-]*):[ \t]?(.*)$/.exec(line);
    if (folded && last !== undefined) headers.set(last, `${headers.get(last)} ${line.trim()}`);
    else if (header) headers.set((last = header[1]!.toLowerCase()), header[2]!.trim());
    else return fileName;
  }
  const subject = headers.get('subject')?.replace(/^(\[[^\]]*\]\s*)+/, '').trim();
  if (!subject || !headers.has('from')) return fileName;
  const body: string[] = [];
  for (at++; at < lines.length; at++) {
    const line = lines[at]!;
    if (line === '---' || line.startsWith('diff --git ') || line.startsWith('--- ') || line.startsWith('Index: ')) break;
    body.push(line);
  }
  while (body.length > 0 && body[body.length - 1]!.trim() === '') body.pop();
  while (body.length > 0 && body[0]!.trim() === '') body.shift();
  return body.length === 0 ? subject : `${subject}\n\n${body.join('\n')}`;
}
