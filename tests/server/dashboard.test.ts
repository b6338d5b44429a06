import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers.js';
import { bearer, consoleServers, TOKENS } from './console-fixture.js';

const server = consoleServers();

const CLIENT = path.join(PROJECT_ROOT, 'src/server/dashboard/public/dashboard.js');

describe('dashboard', () => {
  it('serves the page without credentials, under a policy that runs no inline script', async () => {
    const { app } = await server();
    const page = await app.inject({ url: '/dashboard' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.body).toContain('<script type="module" src="/dashboard/dashboard.js">');
    for (const asset of ['dashboard.js', 'dashboard.css']) expect((await app.inject({ url: `/dashboard/${asset}` })).statusCode).toBe(200);
  });

  it('draws from the report API and exports its CSV (no second report of its own), and builds no HTML from strings', () => {
    const code = readFileSync(CLIENT, 'utf8');
    expect(code).toContain('/api/reports${query()}');
    expect(code).toContain('/api/reports.csv${query()}');
    expect(code).toContain('/api/dashboard/series${query()}');
    expect(code).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
  });

  it('gives its data to leads only: 401 without a valid token, 403 for an agent', async () => {
    const { app } = await server();
    for (const url of ['/api/dashboard/series', '/api/reports', '/api/reports.csv']) {
      expect((await app.inject({ url })).statusCode, url).toBe(401);
      expect((await app.inject({ url, headers: { authorization: 'Bearer someone-else-entirely-0123456789' } })).statusCode, url).toBe(401);
      const agent = await app.inject({ url, headers: bearer('ana') });
      expect(agent.statusCode, url).toBe(403);
      expect(agent.json().error).toMatch(/lead/);
      expect((await app.inject({ url, headers: bearer('lead') })).statusCode, url).toBe(200);
    }
    // Unauthenticated requests learn nothing about their query either.
    expect((await app.inject({ url: '/api/dashboard/series?from=yesterday' })).statusCode).toBe(401);
    expect((await app.inject({ url: `/api/dashboard/series?access_token=${TOKENS.lead}` })).statusCode).toBe(401);
  });

  it('gives the period day by day, counting what the report counts', async () => {
    const s = await server();
    await s.say('¿cómo activo el roaming?', 'a', 'cust-a');
    await s.say('sí', 'a', 'cust-a');
    await s.runtime.bot.engine.end('a');
    await s.say('quiero hablar con una persona', 'b', 'cust-b');
    const today = new Date().toISOString().slice(0, 10);
    const weekAgo = new Date(Date.now() - 6 * 86_400_000).toISOString().slice(0, 10);
    const period = `from=${weekAgo}&to=${today}`;

    const response = await s.app.inject({ url: `/api/dashboard/series?${period}`, headers: bearer('lead') });
    expect(response.statusCode).toBe(200);
    const { series } = response.json();
    expect(series).toHaveLength(7);
    expect(series.at(-1)).toMatchObject({
      day: today, conversations: 2, outcomes: { resolved_by_bot: 1, open: 1 }, rates: { botResolution: 50, handedOff: 50 },
    });
    expect(series.slice(0, 6).every((d: { conversations: number }) => d.conversations === 0)).toBe(true);

    const report = (await s.app.inject({ url: `/api/reports?${period}`, headers: bearer('lead') })).json();
    expect(report.conversations).toBe(2);
    expect(report.outcomes.resolved_by_bot.count).toBe(1);
  });

  it('refuses periods that are not dates, or that end before they start', async () => {
    const { app } = await server();
    const get = (query: string) => app.inject({ url: `/api/dashboard/series?${query}`, headers: bearer('lead') });
    expect((await get('from=yesterday')).statusCode).toBe(400);
    expect((await get('from=2026-13-45')).json().error).toBe('querystring/from is not a date: 2026-13-45');
    expect((await get('from=2026-11-05&to=2026-11-01')).json().error).toBe('from (2026-11-05) is after to (2026-11-01)');
    expect((await get('from=2026-11-01&to=2026-11-05')).json().series).toHaveLength(5);
  });
});
