import { createHash } from 'node:crypto';

/** Hex sha256: the identity of a file or a text, so unchanged content is never processed twice. */
export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
