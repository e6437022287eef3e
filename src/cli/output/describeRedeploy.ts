import type { RedeployOutcome } from '../../root/local/redeployLocal.js';

/** The line local-branch commands end with: where they redeployed `what`, or why they did not. */
export function describeRedeploy(deploy: RedeployOutcome, what = ''): string {
  return deploy.redeployed ? `redeployed ${what === '' ? '' : `${what} `}at ${deploy.prefix}` : `not redeployed: ${deploy.skipped}`;
}
