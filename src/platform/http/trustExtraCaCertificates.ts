import { readFileSync } from 'node:fs';
import https from 'node:https';
import { rootCertificates } from 'node:tls';

let done = false;

/**
 * Makes hacktree's HTTPS requests trust the certificates of NODE_EXTRA_CA_CERTS when node
 * started without them: bin/hacktree defers that file (node parses it before any JavaScript
 * runs, on every start: docs/decisions/0013-start-up-time.md) and names it in
 * HACKTREE_DEFERRED_CA_CERTS. They are added
 * to node's own roots, as node does with the variable: every request through https's global
 * agent then trusts both. Called before each request; reads the file once per process. A file
 * that cannot be read is reported and skipped, as node itself does.
 */
export function trustExtraCaCertificates(): void {
  if (done) return;
  done = true;
  const file = process.env.HACKTREE_DEFERRED_CA_CERTS;
  if (!file) return;
  let extra: Buffer;
  try {
    extra = readFileSync(file);
  } catch (err) {
    process.emitWarning(`Ignoring extra certs from \`${file}\`, load failed: ${(err as Error).message}`);
    return;
  }
  https.globalAgent.options.ca = [...rootCertificates, extra];
}
