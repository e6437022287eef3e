import type { JSONSchemaType } from 'ajv';
import { recordParser } from '../record/recordParser.js';
import { deployState as validateRootDeployState } from '../record/recordValidators.js';

/** One checkout of a root under PREFIX/.real/root-NAME/. */
export interface DeploymentRecord {
  id: string;
  commit: string;
  branch: string;
  /** ISO 8601. */
  deployedAt: string;
  /**
   * The absolute directory under PREFIX/.real/root-NAME/: a full checkout of the commit, or,
   * when `base` is set, an overlayfs layer holding only the difference from the base's commit.
   */
  dir: string;
  /** A full checkout (another deployment's directory) that `dir` is layered over. */
  base?: { commit: string; dir: string };
  /** Artifact file names with o=local in the commit's manifest, found when it was deployed. */
  localArtifacts?: string[];
  /** The repository it was checked out from (fsck verifies a repository's own deployments). */
  repo?: string;
}

/** What PREFIX/.real/root-NAME/state.json records: the deployment published and the ones kept. */
export interface RootDeployState {
  root: string;
  prefix: string;
  publicPath: string;
  current: DeploymentRecord | null;
  previous: DeploymentRecord | null;
  older: DeploymentRecord[];
  /**
   * A deployment checked out but not published (`root upgrade --stage`): published at the next
   * `root mount` (boot) or `root upgrade --apply`; a deployment of another commit replaces it.
   */
  staged?: DeploymentRecord | null;
}

const COMMIT = '^[0-9a-f]{40}$';
// Deployment directories are removed by path (undeploy, rollback, gc): only absolute ones.
const ABSOLUTE = '^/';

const deploymentSchema = {
  type: 'object',
  required: ['id', 'commit', 'branch', 'deployedAt', 'dir'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    commit: { type: 'string', pattern: COMMIT },
    branch: { type: 'string' },
    deployedAt: { type: 'string' },
    dir: { type: 'string', pattern: ABSOLUTE },
    base: {
      type: 'object',
      nullable: true,
      required: ['commit', 'dir'],
      additionalProperties: false,
      properties: { commit: { type: 'string', pattern: COMMIT }, dir: { type: 'string', pattern: ABSOLUTE } },
    },
    localArtifacts: { type: 'array', nullable: true, items: { type: 'string' } },
    repo: { type: 'string', nullable: true },
  },
} as const satisfies JSONSchemaType<DeploymentRecord>;

/** The JSON Schema of RootDeployState: recordValidators.ts holds it compiled (npm run --silent schemas). */
export const deployStateJsonSchema: JSONSchemaType<RootDeployState> = {
  type: 'object',
  required: ['root', 'prefix', 'publicPath', 'current', 'previous', 'older'],
  additionalProperties: false,
  properties: {
    root: { type: 'string' },
    prefix: { type: 'string' },
    publicPath: { type: 'string' },
    current: { $ref: '#/definitions/deploymentOrNull' },
    previous: { $ref: '#/definitions/deploymentOrNull' },
    older: { $ref: '#/definitions/deployments' },
    staged: { $ref: '#/definitions/deploymentOrNull' } as never,
  },
  // By reference, so the compiled validator checks a deployment in one function, not three
  // copies. JSONSchemaType cannot type definitions: deploymentSchema is checked where it is made.
  definitions: {
    deployment: deploymentSchema as never,
    deploymentOrNull: { anyOf: [{ $ref: '#/definitions/deployment' }, { type: 'null' }] } as never,
    deployments: { type: 'array', items: { $ref: '#/definitions/deployment' } } as never,
  },
};

export const deployStateParser = recordParser<RootDeployState>(validateRootDeployState);
