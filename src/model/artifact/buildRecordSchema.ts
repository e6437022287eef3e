import type { JSONSchemaType } from 'ajv';
import { recordParser } from '../record/recordParser.js';
import { buildRecord as validateBuildRecord } from '../record/recordValidators.js';
import type { BuildInput, BuildInputKind } from './buildInputs.js';

/**
 * What the last successful build of a recipe for one root and flavor used and made, kept
 * beside the artifacts (artifacts/.builds/PN,r=ROOT,b=FLAVOR.json) so `build --explain` can
 * name the input that changed since.
 */
export interface BuildRecord {
  recipe: string;
  root: string;
  flavor: string;
  buildId: string;
  inputs: BuildInput[];
  artifacts: string[];
}

const INPUT_KINDS: BuildInputKind[] = ['rules', 'recipe', 'include', 'variable', 'local-source', 'remote-source', 'flavor', 'root', 'base', 'dependency', 'arch'];

const buildInputSchema: JSONSchemaType<BuildInput> = {
  type: 'object',
  required: ['kind', 'name', 'digest'],
  additionalProperties: false,
  properties: {
    kind: { type: 'string', enum: INPUT_KINDS },
    name: { type: 'string' },
    digest: { type: 'string' },
  },
};

/** The JSON Schema of BuildRecord: recordValidators.ts holds it compiled (npm run --silent schemas). */
export const buildRecordJsonSchema: JSONSchemaType<BuildRecord> = {
  type: 'object',
  required: ['recipe', 'root', 'flavor', 'buildId', 'inputs', 'artifacts'],
  additionalProperties: false,
  properties: {
    recipe: { type: 'string' },
    root: { type: 'string' },
    flavor: { type: 'string' },
    buildId: { type: 'string', pattern: '^[0-9a-f]{64}$' },
    inputs: { type: 'array', items: buildInputSchema },
    artifacts: { type: 'array', items: { type: 'string' } },
  },
};

export const buildRecordParser = recordParser<BuildRecord>(validateBuildRecord);
