import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config/index.js';

export interface Agent { id: string; name: string; role: 'agent' | 'lead' }

declare module 'fastify' {
  interface FastifyRequest {
    agent?: Agent;
  }
}

/** The agents of the configuration, plus "agent" (a lead) when ESCUCHA_AGENT_TOKEN is set. */
export function agentsOf(config: Config): { agent: Agent; token: Buffer }[] {
  const agents = config.agents.map((a) => ({ agent: { id: a.id, name: a.name ?? a.id, role: a.role }, token: Buffer.from(a.token) }));
  if (config.secrets.agentToken) agents.push({ agent: { id: 'agent', name: 'Agent', role: 'lead' }, token: Buffer.from(config.secrets.agentToken) });
  return agents;
}

/**
 * The agent a bearer token belongs to: from the Authorization header, or with `queryToken` from `access_token` in
 * the URL (only for EventSource, which cannot send headers: a URL may end up in a proxy's log).
 */
export function agentFor(request: FastifyRequest, agents: readonly { agent: Agent; token: Buffer }[], queryToken = false): Agent | undefined {
  const header = request.headers.authorization;
  const query = queryToken ? (request.query as { access_token?: unknown } | undefined)?.access_token : undefined;
  const given = header?.startsWith('Bearer ') ? header.slice(7).trim() : typeof query === 'string' ? query : undefined;
  if (!given) return undefined;
  const token = Buffer.from(given);
  // Compared in constant time, so response times do not reveal how much of a token was right.
  return agents.find((a) => a.token.length === token.length && timingSafeEqual(a.token, token))?.agent;
}

/**
 * A preHandler for agent and lead routes: 401 without a valid token, 403 when the route needs a lead. With no agent
 * configured at all, every request is refused and says how to add one.
 */
export function requireAgent(config: Config, role: 'agent' | 'lead' = 'agent', { queryToken = false } = {}) {
  const agents = agentsOf(config);
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (!agents.length) {
      return reply.code(401).send({ error: 'no agents are configured: add `agents` to bot.config.ts or set ESCUCHA_AGENT_TOKEN' });
    }
    const agent = agentFor(request, agents, queryToken);
    if (!agent) return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'a valid agent token is required (Authorization: Bearer <token>)' });
    if (role === 'lead' && agent.role !== 'lead') return reply.code(403).send({ error: 'this needs a lead: ask for the lead role in bot.config.ts' });
    request.agent = agent;
  };
}
