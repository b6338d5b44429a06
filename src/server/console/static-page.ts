import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/**
 * Only the page's own files may run or style it: no inline script or style, no other origin. Customer texts are
 * put in the page as text by the client code; this is the second lock, should one ever slip through as HTML.
 */
export const PAGE_SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

export function withPageHeaders(reply: FastifyReply, type: string): FastifyReply {
  return reply.headers(PAGE_SECURITY_HEADERS).type(type);
}

/**
 * Serves a page and its assets from a folder, read once at start: `route` gets `index.html`, `route/<file>` each
 * asset. The page loads without credentials; its data comes from the API with the agent's token.
 */
export function servePage(app: FastifyInstance, route: string, dir: string, assets: readonly string[]): void {
  const read = (file: string) => ({ body: readFileSync(path.join(dir, file)), type: TYPES[path.extname(file)] ?? 'application/octet-stream' });
  const page = read('index.html');
  app.get(route, async (_request, reply) => withPageHeaders(reply, page.type).send(page.body));
  for (const asset of assets) {
    const file = read(asset);
    app.get(`${route}/${asset}`, async (_request, reply) => withPageHeaders(reply, file.type).send(file.body));
  }
}
