import type { Response } from 'botbuilder';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The response object CloudAdapter.process writes to (`status`, `header`, `send`, `end`), over a fastify reply:
 * the body is kept until `end`, when the reply is sent once. Neither fastify's reply nor the raw response fits alone.
 */
export function cloudResponse(reply: FastifyReply): Response {
  let body: unknown;
  return {
    socket: reply.raw.socket,
    status(code: number) { reply.code(code); },
    header(name: string, value: unknown) { reply.header(name, value); },
    send(value: unknown) { body = value; },
    end() { if (!reply.sent) void reply.send(body ?? ''); },
  };
}

/** This server as the client reached it (`https://bot.example`): the base for absolute links in chat replies. */
export const originOf = (request: FastifyRequest) => `${request.protocol}://${request.host}`;
