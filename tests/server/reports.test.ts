import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { captureIO } from '../helpers.js';
import { serverFixture, type ServerFixture } from './fixture.js';

const LEAD = 'lead-token-0123456789abcdefghij';
const AGENT = 'ana-token-0123456789abcdefghij';
const AGENTS = `  agents: [{ id: 'lucia', token: '${LEAD}', role: 'lead' }, { id: 'ana', token: '${AGENT}', role: 'agent' }],`;

let fixture: ServerFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

/** A server with two REST conversations: one answered and found helpful, one the bot could not answer. */
async function withConversations() {
  fixture = await serverFixture({ config: AGENTS });
  const { app } = fixture;
  const say = async (id: string, text: string) => app.inject({ method: 'POST', url: `/api/conversations/${id}/messages`, payload: { text } });
  const first = (await app.inject({ method: 'POST', url: '/api/conversations', payload: {} })).json();
  await say(first.id, '¿cómo activo el roaming?');
  await say(first.id, 'Sí');
  const second = (await app.inject({ method: 'POST', url: '/api/conversations', payload: { locale: 'en' } })).json();
  await say(second.id, 'xyzzy plugh frobnicate');
  return fixture;
}

const as = (token: string) => ({ authorization: `Bearer ${token}` });

describe('reports API', () => {
  it('needs a lead: 401 without a valid token, 403 for an agent', async () => {
    const { app } = await withConversations();
    for (const url of ['/api/reports', '/api/reports.csv']) {
      expect((await app.inject({ url })).statusCode).toBe(401);
      expect((await app.inject({ url, headers: as('not-a-token-of-anyone-at-all') })).statusCode).toBe(401);
      expect((await app.inject({ url, headers: as(AGENT) })).statusCode).toBe(403);
      expect((await app.inject({ url, headers: as(LEAD) })).statusCode).toBe(200);
    }
  });

  it('returns the figures escucha report --json prints, for a period or for all time', async () => {
    const { app, root, runtime } = await withConversations();
    const response = await app.inject({ url: '/api/reports', headers: as(LEAD) });
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const report = response.json();
    expect(report).toMatchObject({
      conversations: 2,
      articles: expect.arrayContaining([expect.objectContaining({ id: 'roaming-ue', helpful: 1 })]),
    });
    const today = runtime.now().toISOString().slice(0, 10);
    const period = (await app.inject({ url: `/api/reports?from=${today}&to=${today}`, headers: as(LEAD) })).json();
    expect(period).toMatchObject({ period: { from: `${today}T00:00:00.000Z` }, conversations: 2 });
    const before = (await app.inject({ url: '/api/reports?from=2020-01-01&to=2020-01-31', headers: as(LEAD) })).json();
    expect(before.conversations).toBe(0);

    await fixture!.close();
    fixture = undefined;
    const io = captureIO(root);
    expect(await main(['report', '--json'], io)).toBe(0);
    expect(JSON.parse(io.out())).toEqual(report);
  });

  it('exports the same figures as CSV, to download', async () => {
    const { app } = await withConversations();
    const response = await app.inject({ url: '/api/reports.csv?from=2020-01-01', headers: as(LEAD) });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe('attachment; filename="escucha-report-from-2020-01-01.csv"');
    const lines = response.body.trim().split('\n');
    expect(lines[0]).toBe('section,item,metric,value');
    expect(lines).toContain('conversations,,count,2');
  });

  it('rejects dates it cannot read, and a period that ends before it starts', async () => {
    const { app } = await withConversations();
    const bad = await app.inject({ url: '/api/reports?from=yesterday', headers: as(LEAD) });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatch(/^querystring\/from must match pattern/);
    const impossible = await app.inject({ url: '/api/reports?from=2026-02-31', headers: as(LEAD) });
    expect(impossible.statusCode).toBe(400);
    expect(impossible.json()).toEqual({ error: 'querystring/from is not a date: 2026-02-31' });
    const reversed = await app.inject({ url: '/api/reports.csv?from=2026-11-30&to=2026-11-01', headers: as(LEAD) });
    expect(reversed.statusCode).toBe(400);
    expect(reversed.json()).toEqual({ error: 'from (2026-11-30) is after to (2026-11-01)' });
  });
});
