import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { webChatBundle, webChatVersion } from '../webchat/bundle.js';
import { chatPage, pageLanguage } from '../webchat/page.js';

const ASSETS = path.join(import.meta.dirname, '..', 'webchat');
const DAY_SECONDS = 86_400;

/**
 * The customer's web chat: the page at `/`, the official Web Chat bundle it runs, its start-up script, and
 * `/embed.js` for other sites. The chat talks to this server's Direct Line (routes/directline.ts).
 */
export const webChatRoutes: FastifyPluginAsync = async (app) => {
  const { config } = app.runtime;
  const bundleUrl = `/webchat/webchat.js?v=${encodeURIComponent(webChatVersion())}`;
  const assets = {
    'chat.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(path.join(ASSETS, 'chat.js')) },
    'chat.css': { type: 'text/css; charset=utf-8', body: readFileSync(path.join(ASSETS, 'chat.css')) },
  };
  const embedScript = readFileSync(path.join(ASSETS, 'embed.js'));
  // Scripts and connections only to this server; Web Chat writes its styles inline. Framing is allowed to the sites
  // that may embed the chat (server.corsOrigins), so nobody else can dress it up as theirs.
  const policy = [
    "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data: blob:",
    "connect-src 'self'", "font-src 'self' data:", "base-uri 'none'", "form-action 'none'", "object-src 'none'",
    `frame-ancestors 'self'${config.server.corsOrigins.map((o) => ` ${o}`).join('')}`,
  ].join('; ');

  app.get<{ Querystring: { embed?: string } }>('/', async (request, reply) => {
    const lang = pageLanguage(request.headers['accept-language'], config.locales.supported, config.locales.default);
    const page = chatPage({
      company: config.company.name, lang, bundleUrl, embedded: request.query.embed !== undefined,
      helpCenterUrl: config.company.helpCenterUrl ?? '/help',
    });
    return reply.type('text/html; charset=utf-8').header('content-security-policy', policy)
      .header('referrer-policy', 'same-origin').header('x-content-type-options', 'nosniff').send(page.value);
  });

  app.get('/webchat/webchat.js', async (request, reply) => {
    const bundle = await webChatBundle();
    const gzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
    reply.type('text/javascript; charset=utf-8').header('cache-control', `public, max-age=${DAY_SECONDS}`).header('vary', 'accept-encoding');
    if (gzip) reply.header('content-encoding', 'gzip');
    return reply.send(gzip ? bundle.gzipped : bundle.raw);
  });

  for (const [name, asset] of Object.entries(assets)) {
    app.get(`/webchat/${name}`, async (_request, reply) =>
      reply.type(asset.type).header('cache-control', 'no-cache').header('x-content-type-options', 'nosniff').send(asset.body));
  }

  // For other sites' pages (a classic <script>, which needs no CORS).
  app.get('/embed.js', async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').header('x-content-type-options', 'nosniff').send(embedScript));
};
