import type { NativeAddonStatus } from '../../platform/native/nativeAddon.js';

/**
 * One line on the native addon for `hacktree --version` and the --verbose warning: without it
 * hacktree works, ~4x slower at deflate, and nothing else would say so.
 */
export function nativeAddonSummary(status: NativeAddonStatus): string {
  return status.loaded ? `native addon: loaded (${status.path})` : `native addon: not loaded: ${status.reason}`;
}
