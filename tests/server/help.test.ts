import { afterEach, describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/server/help/markdown.js';
import { article, serverFixture, type ServerFixture } from './fixture.js';

let fixture: ServerFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

async function help(options: Parameters<typeof serverFixture>[0] = {}) {
  fixture = await serverFixture(options);
  const get = (url: string, headers: Record<string, string> = {}) => fixture!.app.inject({ url, headers });
  return { ...fixture, get };
}

/** The element with this id, up to the end of its section. */
const sectionWithId = (page: string, id: string) => new RegExp(`<section id="${id}"[^>]*>[\\s\\S]*?</section>`).exec(page)?.[0];

describe('help center', () => {
  it('lists the articles of the visitor\'s language by category, community threads last, with links to the other language', async () => {
    const { get } = await help();
    const spanish = await get('/help');
    expect(spanish.statusCode).toBe(200);
    expect(spanish.headers['content-type']).toBe('text/html; charset=utf-8');
    const page = spanish.body;
    expect(page).toContain('<html lang="es">');
    expect(page).toContain('<h1>Centro de ayuda de Nubo</h1>');
    const headings = [...page.matchAll(/<h2>([^<]+)<\/h2>/g)].map((m) => m[1]);
    expect(headings).toEqual(['Planes', 'Red y cobertura', 'Roaming', 'Comunidad']);
    expect(page).toContain('<a href="/help/apn">Configurar el APN</a> <span class="badge faq">Pregunta frecuente</span>');
    expect(page).toContain('<a href="/help/foro-esim-iphone">La eSIM no funciona en mi iPhone nuevo</a> <span class="badge forum">Comunidad</span>');
    expect(page).not.toContain('Roaming in the European Union');
    expect(page).toContain('<a href="/help?lang=en" hreflang="en" lang="en">English</a>');

    const byBrowser = (await get('/help', { 'accept-language': 'en-US,en;q=0.9,es;q=0.8' })).body;
    expect(byBrowser).toContain('<html lang="en">');
    expect(byBrowser).toContain('<a href="/help/eu-roaming">Roaming in the European Union</a>');
    expect((await get('/help', { 'accept-language': 'fr-FR,es;q=0.5,en;q=0.4' })).body).toContain('<html lang="es">');
    const asked = (await get('/help?lang=en', { 'accept-language': 'es' })).body;
    expect(asked).toContain('<html lang="en">');
    expect((await get('/help?lang=de', { 'accept-language': 'en' })).body).toContain('<html lang="en">');
  });

  it('shows an article with its sections at the anchors the bot cites, internal links, translations and related articles', async () => {
    const { get, app } = await help();
    const opened = (await app.inject({ method: 'POST', url: '/api/conversations', payload: {} })).json();
    const turn = (await app.inject({ method: 'POST', url: `/api/conversations/${opened.id}/messages`, payload: { text: '¿cómo activo el roaming?' } })).json();
    const citation = new URL(turn.replies[0].citation.url, 'http://localhost');
    expect(citation.pathname).toBe('/help/roaming-ue');

    const response = await get(citation.pathname);
    expect(response.statusCode).toBe(200);
    const page = response.body;
    expect(page).toContain('<h1>Roaming en la Unión Europea</h1>');
    expect(page).toContain('<div class="intro"><p>En la UE usas tu tarifa como en casa.</p>');
    const cited = sectionWithId(page, citation.hash.slice(1));
    expect(cited).toContain('<h2>Cómo activarlo</h2>');
    expect(cited).toContain('<li>Entra en <strong>Mi Nubo › Roaming</strong>.</li>');
    // kb:// links from the knowledge point at the help center's section.
    expect(sectionWithId(page, 'precios')).toContain('<a href="/help/apn#valores">el APN</a>');
    expect(page).toContain('<a href="/help/eu-roaming" hreflang="en" lang="en">English</a>');
    expect(page).toMatch(/<aside class="related">[\s\S]*<a href="\/help\/apn">Configurar el APN<\/a>/);
    expect(page).toContain('<a href="/help?lang=es">Todos los artículos</a> › Roaming');

    const target = (await get('/help/apn')).body;
    expect(sectionWithId(target, 'valores')).toContain('<code>internet.nubo</code>');
    expect((await get('/help/eu-roaming')).body).toContain('<html lang="en">');
  });

  it('marks forum threads as community answers and shows only the served answer', async () => {
    const { get } = await help();
    const page = (await get('/help/foro-esim-iphone')).body;
    expect(page).toContain('<p class="note">Hilo de la comunidad:');
    expect(page).toContain('<p class="author">Pregunta de @marta_g</p>');
    const answer = /<section id="([^"]+)" class="answer">[\s\S]*?<\/section>/.exec(page);
    expect(answer?.[0]).toContain('<h2>Respuesta aceptada</h2>');
    expect(answer?.[0]).toContain('@nubo_ana · 14 votos');
    expect(answer?.[0]).toContain('Una eSIM no se copia: pide un código QR nuevo en la app.');
    expect(page).not.toContain('modo avión');
    expect(fixture!.runtime.live.knowledge.byId.get('foro-esim-iphone')?.forum?.served.section.anchor).toBe(answer?.[1]);
  });

  it('searches with the bot\'s own search, in the visitor\'s language', async () => {
    const { get } = await help();
    const found = await get('/help/search?q=activar+el+roaming&lang=es');
    expect(found.statusCode).toBe(200);
    expect(found.body).toContain('<h1>Resultados para «activar el roaming»</h1>');
    expect(found.body).toMatch(/<ol class="results">\s*<li>\s*<a href="\/help\/roaming-ue#como-activarlo">Roaming en la Unión Europea › Cómo activarlo<\/a>/);
    expect(found.body).toContain('value="activar el roaming"');
    expect(found.body).toContain('<a href="/help/search?lang=en&amp;q=activar%20el%20roaming" hreflang="en" lang="en">English</a>');

    const english = await get('/help/search?q=turn+on+roaming', { 'accept-language': 'en' });
    expect(english.body).toContain('<a href="/help/eu-roaming#turn-it-on">Roaming in the European Union › Turn it on</a>');

    const nothing = await get('/help/search?q=xyzzy+plugh&lang=en');
    expect(nothing.body).toContain('<p class="empty">Nothing matched those words.');
    const empty = await get('/help/search?q=++&lang=en');
    expect(empty.statusCode).toBe(302);
    expect(empty.headers.location).toBe('/help?lang=en');
  });

  it('escapes every piece of writer and visitor text: no script ever reaches a page', async () => {
    const { get } = await help({
      files: {
        'knowledge/es/hostile.md': article(
          { id: 'hostil', title: '<script>alert("title")</script> Ofertas & "precios"', questions: ['ofertas hostiles'] },
          'Texto con <script>alert("body")</script> y <img src=x onerror="alert(1)"> dentro.\n\n'
          + '## <b>Sección</b> peligrosa\n\nUn `<script>` en código, [un enlace](javascript:alert(1)) y [otro](https://example.com/a"b).',
        ),
      },
    });
    const page = (await get('/help/hostil')).body;
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toMatch(/<img/i);
    expect(page).not.toMatch(/href="javascript:/i);
    expect(page).not.toContain('<b>');
    expect(page).toContain('<h1>&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt; Ofertas &amp; &quot;precios&quot;</h1>');
    expect(page).toContain('<code>&lt;script&gt;</code>');
    expect(page).toContain('href="https://example.com/a%22b" rel="noopener noreferrer"');

    // The loader already strips a writer's HTML; the renderer would show it as text anyway.
    expect(renderMarkdown('<script>alert(1)</script> <img src=x onerror=alert(1)>').value)
      .toBe('<p>&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt;</p>\n');

    const index = (await get('/help')).body;
    expect(index).not.toMatch(/<script/i);
    expect(index).toContain('&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;');

    const search = await get(`/help/search?lang=es&q=${encodeURIComponent('"><script>alert(2)</script> ofertas')}`);
    expect(search.body).not.toMatch(/<script/i);
    expect(search.body).toContain('value="&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt; ofertas"');
  });

  it('answers 404 with a page for an unknown or draft article, and serves its own stylesheet under a strict policy', async () => {
    const { get } = await help({
      files: { 'knowledge/es/borrador.md': article({ id: 'borrador', title: 'Borrador', status: 'draft' }, 'Aún no.') },
    });
    for (const url of ['/help/nada', '/help/borrador']) {
      const missing = await get(url, { 'accept-language': 'en' });
      expect(missing.statusCode).toBe(404);
      expect(missing.body).toContain('<h1>We could not find that page</h1>');
    }
    expect((await get('/help')).body).not.toContain('Borrador');

    const page = await get('/help/apn');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.headers['content-security-policy']).toContain("style-src 'self'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.body).toContain('<link rel="stylesheet" href="/help/help.css">');
    // No external assets: every stylesheet, script and image of the layout is served from here.
    expect(page.body).not.toMatch(/(href|src)="(https?:)?\/\//);
    const css = await get('/help/help.css');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.body).toContain('.answer');
    expect(css.body).not.toMatch(/url\(|@import/);
  });
});
