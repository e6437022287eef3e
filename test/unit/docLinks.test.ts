import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

// The README and the manual in docs/ link into each other by relative paths: a page moved or
// renamed, or a heading reworded, leaves a link that leads nowhere. Every relative link must
// name a file of the clone, and an anchor into a markdown page must name one of its headings
// (as GitHub makes anchors of them).
const clone = join(dirname(fileURLToPath(import.meta.url)), '../../..');

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? markdownFiles(path) : name.endsWith('.md') ? [path] : [];
  });
}
const pages = [join(clone, 'README.md'), ...markdownFiles(join(clone, 'docs'))];

/** The text outside fenced code blocks and inline code, where a `[x](y)` is a link. */
function prose(text: string): string {
  return text.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '').replace(/`[^`\n]*`/g, '');
}

/** GitHub's anchors for a page's headings: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const m of prose(text.replace(/^(#{1,6}) (.*)$/gm, (_, hashes: string, title: string) => `${hashes} ${title.replace(/`/g, '')}`)).matchAll(/^#{1,6} (.+)$/gm)) {
    const slug = (m[1] ?? '').trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    result.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return result;
}

function links(text: string): string[] {
  return [...prose(text).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1] ?? '');
}

test('every relative link in README.md and docs/ names an existing file, and its anchor a heading there', () => {
  const broken: string[] = [];
  for (const page of pages) {
    for (const link of links(readFileSync(page, 'utf8'))) {
      if (/^[a-z][a-z+.-]*:/i.test(link)) continue; // https:, mailto: ...
      const [path = '', anchor] = link.split('#');
      const target = path === '' ? page : resolve(dirname(page), decodeURIComponent(path));
      const where = `${relative(clone, page)}: ${link}`;
      if (!existsSync(target)) broken.push(`${where} (no such file)`);
      else if (anchor && target.endsWith('.md') && !anchors(readFileSync(target, 'utf8')).has(anchor)) broken.push(`${where} (no such heading)`);
    }
  }
  assert.deepEqual(broken, []);
});

test('the manual has the pages the README and its index link to', () => {
  const index = links(readFileSync(join(clone, 'docs/README.md'), 'utf8'));
  for (const page of ['design.md', 'recipes.md', 'building.md', 'roots.md', 'local.md', 'config.md', 'remotes.md', 'repository.md', 'errors.md', 'operations.md']) {
    assert.ok(index.includes(page), `docs/README.md links ${page}`);
  }
  assert.ok(links(readFileSync(join(clone, 'README.md'), 'utf8')).includes('docs/README.md'), 'the README links the manual');
});

test('no page refers to places outside the clone that only this project\'s machines have', () => {
  for (const page of pages) {
    const text = readFileSync(page, 'utf8');
    assert.doesNotMatch(text, /\.\.\/shared|(^|[\s(`'"])\/work(\/|\b)/m, relative(clone, page));
  }
});
