import type { FastifyPluginAsync } from 'fastify';

/** Liveness (the process answers) and readiness (the index is loaded and the store open). */
export const healthRoutes: FastifyPluginAsync = async (app) => {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const ready = app.runtime.ready;
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'starting' });
  });
};
