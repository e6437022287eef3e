import { HacktreeError } from '../../../errors/HacktreeError.js';
import { parseDuration } from '../../../model/root/duration.js';
import { defineCommand } from '../defineCommand.js';

export const publishCommand = defineCommand({
  command: 'publish <dir> [roots..]',
  describe: 'Publish root branches as a static repository any web server can serve (packs per component, a signed index)',
  positionals: {
    dir: { type: 'string', demandOption: true, describe: 'the directory to write or update (made if missing)' },
    roots: { type: 'string', array: true, default: [], describe: 'root names (or root-NAME branches); default: every root-* branch' },
  },
  options: {
    sign: { type: 'string', describe: 'SSH private key: sign the index (machines pulling with --verify require it)' },
    'zstd-level': { type: 'number', describe: 'zstd level of the packs (1-19, default 12)' },
    upload: { type: 'string', describe: 'then copy DIR to this WebDAV URL by HTTP PUT, index last (credentials: HACKTREE_PUBLISH_USER/_PASSWORD or _TOKEN)' },
    keep: { type: 'number', describe: "keep only each root's newest N versions in the index, and delete the packs no kept version needs (on the --upload server too)" },
    'valid-for': { type: 'string', describe: 'how long machines accept this index (e.g. 7d, 12h; default 7d): publish again before it expires' },
  },
  examples: [
    ['$0 publish /srv/www/roots 3.2-runtime-opt-x86_64 --sign ~/.ssh/release_ed25519', 'publish a root; serve /srv/www/roots with any web server'],
    ['$0 publish /srv/www/roots --keep 2 --sign ~/.ssh/release_ed25519', 'publish every root, keeping the two newest versions of each'],
    ['$0 publish ~/published --upload https://dav.example.org/roots', 'publish into a local copy, then upload what the server lacks by PUT, the index last'],
    ['$0 publish /srv/www/roots --valid-for 1d --sign ~/.ssh/release_ed25519', 'renew the index daily (from cron): machines refuse an index past its expiry'],
  ],
  output: 'summary',
  run: async (args, ui) => {
    const level = args['zstd-level'];
    if (level !== undefined && (!Number.isInteger(level) || level < 1 || level > 19)) {
      throw new HacktreeError('USAGE', `--zstd-level must be a whole number from 1 to 19, not ${level}`, { hint: 'higher is smaller and slower to publish; pulling costs the same' });
    }
    if (args.keep !== undefined && (!Number.isInteger(args.keep) || args.keep < 1)) {
      throw new HacktreeError('USAGE', `--keep must be a whole number of at least 1, not ${args.keep}`, { hint: '--keep 1 keeps only the newest version of each root' });
    }
    const validFor = args['valid-for'] === undefined ? undefined : /^\d+[smhdw]?$/.test(args['valid-for']) ? parseDuration(args['valid-for']) : -1;
    if (validFor !== undefined && validFor < 60) {
      throw new HacktreeError('USAGE', `--valid-for must be a duration of at least a minute, not ${args['valid-for']}`, { hint: 'a number and a unit (s, m, h, d or w), for example --valid-for 7d or 12h; publish again (from cron) before it runs out' });
    }
    const { publishStatic } = await import('../../../root/publish/publishStatic.js');
    const published = await publishStatic({ repoDir: args.repo, dir: args.dir, roots: args.roots, signKey: args.sign, zstdLevel: level, keep: args.keep, validFor, onProgress: ui.progress });
    if (args.upload === undefined) return { ...published, upload: undefined };
    const { uploadStatic } = await import('../../../root/publish/uploadStatic.js');
    const upload = await uploadStatic({ dir: published.dir, url: args.upload });
    for (const { file, why } of upload.notDeleted) ui.warn(`could not delete ${file} on ${upload.url} (${why}); the new index no longer names it, and the next "hacktree publish --upload" tries again`);
    return { ...published, upload };
  },
  text: (r) => [
    ...r.roots.map((root) => `${root.branch} ${root.commit}`),
    `index ${r.serial}${r.signed ? ' (signed)' : ''} in ${r.dir}: ${r.packsWritten} new packs (${r.bytesWritten} bytes), ${r.packsReused} reused${r.packsDropped > 0 ? `, ${r.packsDropped} dropped` : ''}; valid until ${r.expires}`,
    ...(r.upload ? [`uploaded to ${r.upload.url}: ${r.upload.filesSent} files (${r.upload.bytesSent} bytes)${r.upload.filesDeleted > 0 ? `, ${r.upload.filesDeleted} deleted` : ''}`] : []),
  ],
});
