import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { pageLanguage } from '../../src/server/webchat/page.js';
import { serverFixture } from './fixture.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(config = '') {
  const fixture = await serverFixture({ config });
  cleanups.push(fixture.close);
  return fixture;
}

describe('the web chat page at /', () => {
  it('loads the official Web Chat bundle and the start-up script from this server, under a strict policy', async () => {
    const { app } = await setup();
    const page = await app.inject({ url: '/', headers: { 'accept-language': 'en-GB,en;q=0.9,es;q=0.8' } });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('<html lang="en">');
    expect(page.body).toMatch(/<script src="\/webchat\/webchat\.js\?v=4\.\d+\.\d+"><\/script>/);
    expect(page.body).toContain('<script src="/webchat/chat.js"></script>');
    expect(page.body).not.toMatch(/<script>/); // no inline script
    const policy = String(page.headers['content-security-policy']);
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("connect-src 'self'");
    expect(policy).toContain("frame-ancestors 'self'");
  });

  it('speaks the browser\'s language when Escucha does, else the default; escapes the company\'s name', async () => {
    const { app } = await setup(`  company: { name: 'Nubo <b>&</b> "Co"' },`);
    const page = await app.inject({ url: '/', headers: { 'accept-language': 'fr-FR,fr;q=0.9' } });
    expect(page.body).toContain('<html lang="es">');
    expect(page.body).toContain('Centro de ayuda');
    expect(page.body).toContain('Nubo &lt;b&gt;&amp;&lt;/b&gt; &quot;Co&quot;');
    expect(page.body).not.toContain('<b>&</b>');
  });

  it('serves the bundle gzipped when the browser accepts it, cached for a day', async () => {
    const { app } = await setup();
    const gzipped = await app.inject({ url: '/webchat/webchat.js?v=1', headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(gzipped.statusCode).toBe(200);
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.headers['content-type']).toMatch(/^text\/javascript/);
    expect(gzipped.headers['cache-control']).toBe('public, max-age=86400');
    const plain = await app.inject({ url: '/webchat/webchat.js' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.rawPayload.length).toBeGreaterThan(1_000_000);
    expect(gunzipSync(gzipped.rawPayload).equals(plain.rawPayload)).toBe(true);
  });

  it('serves the embed script, and lets the configured sites frame the chat', async () => {
    const { app } = await setup(`  server: { corsOrigins: ['https://www.nubo.example'] },`);
    const script = await app.inject({ url: '/embed.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toMatch(/^text\/javascript/);
    expect(script.body).toContain("'/?embed=1'");
    const framed = await app.inject({ url: '/?embed=1' });
    expect(framed.body).toContain('<body class="embedded">');
    expect(framed.headers['content-security-policy']).toContain("frame-ancestors 'self' https://www.nubo.example");
    for (const asset of ['/webchat/chat.js', '/webchat/chat.css']) expect((await app.inject({ url: asset })).statusCode).toBe(200);
  });
});

describe('pageLanguage', () => {
  it('takes the most preferred language Escucha speaks', () => {
    expect(pageLanguage('fr-FR, en;q=0.5, es;q=0.7', ['es', 'en'], 'es')).toBe('es');
    expect(pageLanguage('en-US,en;q=0.9', ['es', 'en'], 'es')).toBe('en');
    expect(pageLanguage('de, en;q=0', ['es', 'en'], 'es')).toBe('es');
    expect(pageLanguage(undefined, ['es', 'en'], 'en')).toBe('en');
  });
});
