import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

export interface WebChatBundle {
  raw: Buffer;
  gzipped: Buffer;
}

/**
 * Where `botframework-webchat` is installed. Its `exports` hide `dist/` and `package.json`, so they are found from
 * the package's main entry (`lib/index.js`).
 */
const packageDir = () => path.join(path.dirname(createRequire(import.meta.url).resolve('botframework-webchat')), '..');

let version: string | undefined;
let loading: Promise<WebChatBundle> | undefined;

/** The installed Web Chat's version: part of the bundle's URL, so an upgrade is never served from a stale cache. */
export function webChatVersion(): string {
  return (version ??= (JSON.parse(readFileSync(path.join(packageDir(), 'package.json'), 'utf8')) as { version: string }).version);
}

/** The official Web Chat's self-contained browser bundle (3.9 MB, about 1 MB gzipped), read and compressed once. */
export function webChatBundle(): Promise<WebChatBundle> {
  return (loading ??= (async () => {
    const raw = await readFile(path.join(packageDir(), 'dist', 'webchat.js'));
    return { raw, gzipped: await promisify(gzip)(raw) };
  })());
}
