import type { JSONSchemaType } from 'ajv';
import { recordParser } from '../record/recordParser.js';
import { artifactRecord as validateArtifactRecord } from '../record/recordValidators.js';

/** What an imported artifact's commit records about its tarball (the "artifact" blob). */
export interface ArtifactRecord {
  fileName: string;
  sha256: string;
  size: number;
}

/** The JSON Schema of ArtifactRecord: recordValidators.ts holds it compiled (npm run --silent schemas). */
export const artifactRecordJsonSchema: JSONSchemaType<ArtifactRecord> = {
  type: 'object',
  required: ['fileName', 'sha256', 'size'],
  additionalProperties: false,
  properties: {
    fileName: { type: 'string' },
    sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
    size: { type: 'integer', minimum: 0 },
  },
};

export const artifactRecordParser = recordParser<ArtifactRecord>(validateArtifactRecord);
