import { afterEach } from 'vitest';
import { serverFixture } from './fixture.js';

/** Agent tokens of the console's fixture (at least 24 characters, as the configuration asks). */
export const TOKENS = {
  ana: 'ana-token-0123456789abcdefghij',
  luis: 'luis-token-0123456789abcdefghi',
  lead: 'lead-token-0123456789abcdefghi',
} as const;

export const bearer = (who: keyof typeof TOKENS) => ({ authorization: `Bearer ${TOKENS[who]}` });

/** The server fixture with two agents and a lead, and `say` for a customer talking to the bot. */
export async function consoleServer(options: { now?: () => Date } = {}) {
  const fixture = await serverFixture({
    ...options,
    config: `  agents: [
    { id: 'ana', name: 'Ana', token: '${TOKENS.ana}', role: 'agent' },
    { id: 'luis', token: '${TOKENS.luis}', role: 'agent' },
    { id: 'lead', name: 'Lucía', token: '${TOKENS.lead}', role: 'lead' },
  ],`,
  });
  const say = (text: string, conversationId = 'c1', customerId: string | undefined = 'cust-1') =>
    fixture.runtime.bot.engine.handle({ conversationId, ...(customerId && { customerId }), text, channel: 'rest' });
  return { ...fixture, say };
}

/** `consoleServer` for a test file: each test's servers are closed after it. */
export function consoleServers(): () => ReturnType<typeof consoleServer> {
  const open: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    while (open.length) await open.pop()!.close();
  });
  return async () => {
    const s = await consoleServer();
    open.push(s);
    return s;
  };
}
