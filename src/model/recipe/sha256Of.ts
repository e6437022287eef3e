import { createHash } from 'node:crypto';

export function sha256Of(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
