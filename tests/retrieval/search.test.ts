import { describe, expect, it } from 'vitest';
import { loadKnowledge } from '../../src/knowledge/index.js';
import { LexicalIndex, Retriever, analyzerFor, type SearchHit } from '../../src/retrieval/index.js';
import { preferLocale } from '../../src/retrieval/retriever.js';
import { LOCALES, tempTree } from '../helpers.js';

const article = (fm: Record<string, unknown>, body: string) =>
  `---\n${Object.entries(fm).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join('\n')}\n---\n${body}\n`;

const FILES = {
  'es/contrasena.md': article({ id: 'cambiar-contrasena', title: 'Cambiar la contraseña', topic: 'password', questions: ['quiero una clave nueva'] },
    'Puedes cambiarla cuando quieras.\n\n## Desde la app\n\n1. Abre **Perfil › Seguridad**.\n2. Toca **Cambiar contraseña**.\n\n## ¿Cuánto tarda?\n\nEl cambio es inmediato en todos tus dispositivos.'),
  'en/password.md': article({ id: 'change-password', locale: 'en', title: 'Change your password', topic: 'password', questions: ['I want a new login secret'] },
    'You can change it any time.\n\n## From the app\n\nOpen **Profile › Security** and tap **Change password**.'),
  'es/roaming.md': article({ id: 'roaming-ue', title: 'Roaming en la Unión Europea', questions: ['¿puedo usar datos en Francia?'] },
    'En la UE usas tu tarifa como en casa.\n\n## Plan Premium\n\nIncluye también América.'),
  'es/factura-empresa.md': article({ id: 'factura-empresa', title: 'Facturas de empresa', audience: 'business', product: 'billing' }, 'Las empresas reciben la factura con su CIF.'),
  'es/factura-particular.md': article({ id: 'factura-particular', title: 'Tu factura mensual', audience: 'customers', product: 'billing' }, 'Recibes la factura cada mes por email.'),
  'es/borrador.md': article({ id: 'plan-5g', title: 'Nuevo plan 5G contraseña roaming factura', status: 'draft' }, 'Próximamente.'),
  'en/esim-forum.md': article({ id: 'esim-thread', locale: 'en', title: 'eSIM stopped working after changing phones', type: 'forum' },
    'My eSIM says no service on the new phone.\n\n## Answer by @pablo · 30 votes\n\nRestart it.\n\n## Answer by @ana · 2 votes · accepted\n\nRequest a new eSIM QR code in the app.'),
  'en/esim.md': article({ id: 'esim-new-phone', locale: 'en', title: 'eSIM stopped working after changing phones', type: 'faq' }, 'Request a new eSIM QR code from the app: an eSIM cannot move between phones.'),
};

async function retriever() {
  return new Retriever(await loadKnowledge({ dir: tempTree(FILES), locales: LOCALES, maxFileBytes: 1e6 }));
}

describe('lexical analysis', () => {
  it('folds case and accents, drops stop words and stems, in each language', () => {
    expect(analyzerFor('es').terms('¿Cómo CAMBIO mis contraseñas?')).toEqual(analyzerFor('es').terms('como cambiar mi contrasena'));
    expect(analyzerFor('en').terms('Changing my passwords')).toEqual(analyzerFor('en').terms('change password'));
    // Negations and question words change what a support question means, so they are kept.
    expect(analyzerFor('es').terms('no funciona')).toContain('no');
  });

  it('tolerates typos on words the index has never seen, and weighs unknown words as information', () => {
    const index = new LexicalIndex([
      { key: 'pw', locale: 'es', fields: [{ text: 'cambiar la contraseña', weight: 1 }] },
      { key: 'bill', locale: 'es', fields: [{ text: 'descargar la factura', weight: 1 }] },
    ]);
    expect(index.search('contrseña')[0]?.key).toBe('pw');
    expect(index.search('factrua')[0]?.key).toBe('bill');
    const full = index.search('cambiar contraseña')[0]!;
    const partial = index.search('cambiar contraseña bitcoin')[0]!;
    expect(full.coverage).toBeCloseTo(1);
    expect(partial.coverage).toBeLessThan(0.7);
  });
});

describe('search', () => {
  it('finds the article in the customer language and cites the section that answers', async () => {
    const r = await retriever();
    const { hits } = await r.search('¿cuánto tarda el cambio de contraseña?', { locale: 'es' });
    expect(hits[0]!.article.id).toBe('cambiar-contrasena');
    expect(hits[0]!.section.anchor).toBe('cuanto-tarda');
    expect(hits[0]!.confidence).toBeGreaterThan(0.5);
    expect(hits[0]!.confidence).toBeLessThanOrEqual(1);
  });

  it('counts translations of a topic once, in the language asked for', async () => {
    const r = await retriever();
    const es = (await r.search('change password contraseña', { locale: 'es' })).hits.filter((h) => h.article.topic === 'password');
    expect(es.map((h) => h.article.id)).toEqual(['cambiar-contrasena']);
    const en = (await r.search('change password contraseña', { locale: 'en' })).hits.filter((h) => h.article.topic === 'password');
    expect(en.map((h) => h.article.id)).toEqual(['change-password']);
  });

  it('gives a topic the same confidence whichever of its translations is preferred', async () => {
    const r = await retriever();
    const query = 'change your password, contraseña nueva';
    const topic = async (locale: string) => (await r.search(query, { locale })).hits.filter((h) => h.article.topic === 'password');
    const [es, en] = [await topic('es'), await topic('en')];
    expect(es.map((h) => h.article.id)).toEqual(['cambiar-contrasena']);
    expect(en.map((h) => h.article.id)).toEqual(['change-password']);
    expect(es[0]!.confidence).toBe(en[0]!.confidence);
  });

  it('keeps the better confidence of two translations, whichever came first', () => {
    const hit = (id: string, locale: string, confidence: number) =>
      ({ article: { id, locale, topic: 'password' }, confidence }) as unknown as SearchHit;
    const merged = preferLocale([hit('cambiar-contrasena', 'es', 0.4), hit('change-password', 'en', 0.8)], 'es');
    expect(merged.map((h) => [h.article.id, h.confidence])).toEqual([['cambiar-contrasena', 0.8]]);
    const other = preferLocale([hit('change-password', 'en', 0.8), hit('cambiar-contrasena', 'es', 0.4)], 'es');
    expect(other.map((h) => [h.article.id, h.confidence])).toEqual([['cambiar-contrasena', 0.8]]);
  });

  it('never returns drafts', async () => {
    const r = await retriever();
    const ids = (await r.search('nuevo plan 5G contraseña roaming factura')).hits.map((h) => h.article.id);
    expect(ids).not.toContain('plan-5g');
    expect(ids.length).toBeGreaterThan(0);
  });

  it('filters by audience and product, keeping articles that do not say', async () => {
    const r = await retriever();
    const ids = (await r.search('factura', { audience: 'business' })).hits.map((h) => h.article.id);
    expect(ids).toContain('factura-empresa');
    expect(ids).not.toContain('factura-particular');
    expect((await r.search('factura', { product: 'esim' })).hits.map((h) => h.article.id)).toEqual([]);
  });

  it('ranks an official article above a forum thread on a tie, and cites the forum by its accepted answer', async () => {
    const r = await retriever();
    const { hits } = await r.search('eSIM stopped working after changing phones', { locale: 'en' });
    expect(hits.slice(0, 2).map((h) => h.article.id)).toEqual(['esim-new-phone', 'esim-thread']);
    expect(hits[1]!.section.text).toBe('Request a new eSIM QR code in the app.');
  });

  it('gives an unrelated question a low confidence', async () => {
    const r = await retriever();
    const best = (await r.search('¿a qué hora juega el Real Madrid mañana?', { locale: 'es' })).hits[0];
    expect(best?.confidence ?? 0).toBeLessThan(0.25);
  });
});
