import path from 'node:path';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { DeskError } from '../../handoff/index.js';
import { requireAgent } from '../auth.js';
import { caseDetail, caseRow } from '../console/cases.js';
import { EventStreams } from '../console/live.js';
import { servePage } from '../console/static-page.js';

const PUBLIC = path.join(import.meta.dirname, '../console/public');

const DESK_STATUS = { 'not-found': 404, conflict: 409, forbidden: 403 } as const;

const caseParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' } },
} as const;

const textBody = {
  type: 'object',
  required: ['text'],
  additionalProperties: false,
  properties: { text: { type: 'string', minLength: 1, maxLength: 4000 } },
} as const;

type CaseRequest = { Params: { id: string } };
type TextRequest = CaseRequest & { Body: { text: string } };

/**
 * The agent console: the page at /agent (it loads without credentials and asks for the agent's token), and its data
 * under /api/agent, each route behind an agent token. The desk decides everything (who may claim, reply, close);
 * these routes only translate its answers and errors to HTTP.
 */
export const agentRoutes: FastifyPluginAsync = async (app) => {
  const { runtime } = app;
  const streams = new EventStreams((text) => runtime.bot.redact(text));
  runtime.events.on('desk', streams.onDeskEvent);
  // Open streams would keep the server from closing.
  app.addHook('preClose', async () => {
    runtime.events.off('desk', streams.onDeskEvent);
    streams.closeAll();
  });

  servePage(app, '/agent', PUBLIC, ['console.js', 'console.css', 'session.js']);

  // Checked on request, before the body is validated: without credentials nothing else is said about a request.
  const agentOnly = requireAgent(runtime.config, 'agent');
  const desk = () => runtime.bot.desk;
  const deskCall = async <T>(reply: FastifyReply, action: () => T | Promise<T>): Promise<T | FastifyReply> => {
    try {
      return await action();
    } catch (error) {
      if (error instanceof DeskError) return reply.code(DESK_STATUS[error.code]).send({ error: error.message, code: error.code });
      throw error;
    }
  };
  // Fastify's validator would turn a number into a string; a reply to a customer is only ever text.
  const textIsString = async (request: FastifyRequest, reply: FastifyReply) => {
    const text = (request.body as { text?: unknown } | null | undefined)?.text;
    if (text !== undefined && typeof text !== 'string') return reply.code(400).send({ error: 'body/text must be a string' });
  };
  const nonBlank = (reply: FastifyReply, text: string) => {
    if (text.trim()) return true;
    reply.code(400).send({ error: 'body/text is empty: write something to send' });
    return false;
  };

  app.get('/api/agent/me', { onRequest: agentOnly }, async (request) => ({ agent: request.agent }));

  app.get('/api/agent/handoffs', { onRequest: agentOnly }, async () => ({ handoffs: desk().queue().map(caseRow) }));

  app.get<CaseRequest>('/api/agent/handoffs/:id', { onRequest: agentOnly, schema: { params: caseParams } }, (request, reply) =>
    deskCall(reply, () => caseDetail(runtime.store.outcomes, desk().get(request.params.id))));

  app.post<CaseRequest>('/api/agent/handoffs/:id/claim', { onRequest: agentOnly, schema: { params: caseParams } }, (request, reply) =>
    deskCall(reply, async () => ({ handoff: caseRow(await desk().claim(request.params.id, request.agent!.id)) })));

  app.post<TextRequest>('/api/agent/handoffs/:id/reply', { onRequest: agentOnly, preValidation: textIsString, schema: { params: caseParams, body: textBody } }, (request, reply) => {
    if (!nonBlank(reply, request.body.text)) return reply;
    return deskCall(reply, async () => {
      await desk().reply(request.params.id, request.agent!.id, request.body.text);
      return reply.code(201).send({ sent: true });
    });
  });

  app.post<TextRequest>('/api/agent/handoffs/:id/note', { onRequest: agentOnly, preValidation: textIsString, schema: { params: caseParams, body: textBody } }, (request, reply) => {
    if (!nonBlank(reply, request.body.text)) return reply;
    return deskCall(reply, () => {
      desk().note(request.params.id, request.agent!.id, request.body.text);
      return reply.code(201).send({ noted: true });
    });
  });

  app.post<CaseRequest>('/api/agent/handoffs/:id/resolve', { onRequest: agentOnly, schema: { params: caseParams } }, (request, reply) =>
    deskCall(reply, async () => ({ handoff: caseRow(await desk().resolve(request.params.id, request.agent!.id)) })));

  app.post<CaseRequest>('/api/agent/handoffs/:id/return', { onRequest: agentOnly, schema: { params: caseParams } }, (request, reply) =>
    deskCall(reply, async () => ({ handoff: caseRow(await desk().handBack(request.params.id, request.agent!.id)) })));

  // EventSource cannot send headers, so the console gives its token as `?access_token=` here (request lines are
  // logged without the query string).
  app.get('/api/agent/events', { onRequest: requireAgent(runtime.config, 'agent', { queryToken: true }) }, async (_request, reply) => {
    reply.hijack();
    streams.open(reply.raw);
  });
};
