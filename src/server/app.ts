import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { createRedactor } from '../privacy/index.js';
import { safeLogger } from './logging.js';
import type { Runtime } from './runtime.js';
import { healthRoutes } from './routes/health.js';
import { restRoutes } from './routes/rest.js';
import { helpRoutes } from './routes/help.js';
import { reportRoutes } from './routes/reports.js';
import { agentRoutes } from './routes/agent.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { botFrameworkRoutes } from './routes/botframework.js';
import { directLineRoutes } from './routes/directline.js';
import { webChatRoutes } from './routes/webchat.js';

declare module 'fastify' {
  interface FastifyInstance {
    runtime: Runtime;
  }
}

const HEALTH = new Set(['/healthz', '/readyz']);

export interface ServerOptions {
  /** pino options, or false for none (tests). */
  logger?: FastifyServerOptions['logger'];
}

export { LOG_REDACT } from './logging.js';

/**
 * The HTTP server: one fastify instance, each concern a plugin in routes/ (fastify's plugin style), all sharing the
 * runtime. Chat endpoints opt into the per-client rate limit with `config: { rateLimit: ... }`.
 */
export async function buildServer(runtime: Runtime, options: ServerOptions = {}): Promise<FastifyInstance> {
  const { server } = runtime.config;
  const app = Fastify({
    logger: safeLogger(options.logger, createRedactor(runtime.config.privacy.redact)),
    bodyLimit: server.bodyLimitBytes,
    trustProxy: server.trustProxy,
    // Error messages name what was wrong with a request; a stack trace never leaves the server.
    ajv: { customOptions: { allErrors: true } },
  });
  app.decorate('runtime', runtime);
  await app.register(cors, { origin: server.corsOrigins.length ? server.corsOrigins : false });
  await app.register(rateLimit, { global: false, max: server.rateLimitPerMinute, timeWindow: 60_000 });
  app.setErrorHandler((error: { statusCode?: number; message: string; validation?: unknown }, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    reply.code(status).send({ error: status >= 500 ? 'internal error; the server log has the details' : error.message });
  });
  // Until the index is loaded only the health checks answer; anything else would fail halfway.
  app.addHook('onRequest', async (request, reply) => {
    if (!runtime.ready && !HEALTH.has(request.url.split('?')[0]!)) {
      return reply.code(503).header('retry-after', '5').send({ error: 'starting: the search index is being built; try again in a few seconds' });
    }
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: `no route ${request.method} ${request.url.split('?')[0]}` }));
  await app.register(healthRoutes);
  await app.register(restRoutes);
  await app.register(helpRoutes);
  await app.register(reportRoutes);
  await app.register(agentRoutes);
  await app.register(dashboardRoutes);
  await app.register(botFrameworkRoutes);
  await app.register(directLineRoutes);
  await app.register(webChatRoutes);
  return app;
}
