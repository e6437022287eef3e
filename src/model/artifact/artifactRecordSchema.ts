import { compileRecordSchema } from '../record/recordSchema.js';

/** What an imported artifact's commit records about its tarball (the "artifact" blob). */
export interface ArtifactRecord {
  fileName: string;
  sha256: string;
  size: number;
}

export const artifactRecordSchema = compileRecordSchema<ArtifactRecord>({
  type: 'object',
  required: ['fileName', 'sha256', 'size'],
  additionalProperties: false,
  properties: {
    fileName: { type: 'string' },
    sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
    size: { type: 'integer', minimum: 0 },
  },
});
