import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { loadKnowledge } from '../../src/knowledge/index.js';
import {
  buildRetrieval, DEFAULT_FUSION, fitFusion, fuse, LiveRetrieval, SIGNALS, trainRanker, type FusionSample, type RetrievalSettings,
} from '../../src/retrieval/index.js';
import { TfIdf } from '../../src/retrieval/ngrams.js';
import { LOCALES, tempTree } from '../helpers.js';

const article = (fm: Record<string, unknown>, body: string) =>
  `---\n${Object.entries(fm).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join('\n')}\n---\n${body}\n`;

/** A small bilingual help center: some topics in both languages, some in one. */
const FILES = {
  'es/esim.md': article({
    id: 'activar-esim', title: 'Activar una eSIM', topic: 'esim',
    questions: ['quiero una sim virtual', 'pasar de la tarjeta de plástico a la digital', 'instalar la esim en el móvil nuevo', 'dónde está el código QR de la esim'],
  }, 'Abre la aplicación, toca Perfil y sigue los pasos del código QR.'),
  'en/esim.md': article({
    id: 'activate-esim', locale: 'en', title: 'Activate an eSIM', topic: 'esim',
    questions: ['I want a virtual sim', 'move from the plastic card to a digital one', 'install the esim on my new phone'],
  }, 'Open the app, tap Profile and follow the QR code steps.'),
  'es/factura.md': article({
    id: 'descargar-factura', title: 'Descargar la factura', topic: 'invoice',
    questions: ['dónde veo lo que me habéis cobrado', 'necesito el recibo de este mes', 'quiero un pdf de mi factura'],
  }, 'Las facturas están en Mi cuenta, en el apartado Pagos.'),
  'en/invoice.md': article({
    id: 'download-invoice', locale: 'en', title: 'Download your invoice', topic: 'invoice',
    questions: ['where can I see what you charged me', 'I need this month’s receipt', 'get a pdf of my bill'],
  }, 'Invoices are under My account, in Payments.'),
  'es/roaming.md': article({
    id: 'roaming-ue', title: 'Roaming en la Unión Europea', topic: 'roaming',
    questions: ['me funciona la tarifa en Francia', 'puedo usar datos en Italia', 'cuánto cuesta llamar desde Portugal'],
  }, 'En la UE usas tu tarifa como en casa, sin coste adicional.'),
  'es/contrasena.md': article({
    id: 'cambiar-contrasena', title: 'Cambiar la contraseña', topic: 'password',
    questions: ['quiero una clave nueva', 'cómo actualizo mi contraseña', 'olvidé la clave de acceso'],
  }, 'Entra en Perfil, Seguridad y elige Cambiar contraseña.'),
  'en/password.md': article({
    id: 'change-password', locale: 'en', title: 'Change your password', topic: 'password',
    questions: ['I want a new password', 'how do I update my login secret', 'reset my password'],
  }, 'Go to Profile, Security and choose Change password.'),
  'en/cancel.md': article({
    id: 'cancel-plan', locale: 'en', title: 'Cancel your plan', topic: 'cancel',
    questions: ['I want to leave', 'how do I end my contract', 'stop my subscription'],
  }, 'You can cancel at any time from My account.'),
  'es/baja.md': article({
    id: 'dar-de-baja', title: 'Darse de baja', topic: 'cancel',
    questions: ['me quiero ir de la compañía', 'cómo termino el contrato', 'cancelar la suscripción'],
  }, 'Puedes irte cuando quieras desde Mi cuenta.'),
  'es/portabilidad.md': article({
    id: 'portabilidad', title: 'Traer tu número a Nubo', topic: 'port-in',
    questions: ['quiero conservar mi número de otra compañía', 'cuánto tarda la portabilidad', 'cambiarme de operador sin perder el número'],
  }, 'Pide la portabilidad en la web: tarda uno o dos días laborables.'),
};

async function knowledge(files: Record<string, string> = FILES) {
  return loadKnowledge({ dir: tempTree(files), locales: LOCALES, maxFileBytes: 1e6 });
}

function lexicalSettings(root: string): RetrievalSettings {
  return {
    dataDir: path.join(root, 'data'), chunkMaxChars: 1200, denseWeight: 0.45,
    embedder: { provider: 'none', fallback: 'none', model: 'none', modelsDir: root, allowRemote: false, quantized: true, batchSize: 16 },
  };
}

async function retriever(files: Record<string, string> = FILES) {
  const kb = await knowledge(files);
  return (await buildRetrieval(kb, lexicalSettings(kb.dir))).retriever;
}

const words = (text: string) => new Set(text.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').split(/[^a-z0-9]+/).filter(Boolean));

describe('the ranker learned from a knowledge base', () => {
  it('trains on its titles and alternate questions in well under a second, and cross-validates its fusion', async () => {
    const kb = await knowledge();
    const ranker = await trainRanker(kb.published);
    // Translations are one class: 6 topics for 10 articles.
    expect(ranker.stats.topics).toBe(6);
    expect(ranker.stats.texts).toBe(10 + 31);
    expect(ranker.stats.heldOut?.inScope).toBeGreaterThan(0);
    expect(ranker.stats.heldOut?.outOfScope).toBeGreaterThan(0);
    expect(ranker.stats.seconds).toBeLessThan(2);
    expect(ranker.fusion.weights).toHaveLength(SIGNALS.length);
  });

  it('lands a paraphrase that shares no word with the article body on the article, through its questions', async () => {
    const r = await retriever();
    const query = 'me gustaría tener sims virtuales';
    const body = FILES['es/esim.md'].split('---').at(-1)!;
    expect([...words(query)].filter((w) => words(body).has(w))).toEqual([]);
    const { hits } = await r.search(query, { locale: 'es' });
    expect(hits[0]!.article.id).toBe('activar-esim');
    expect(hits[0]!.confidence).toBeGreaterThan(2 * hits[1]!.confidence);
    // The classifier trained on the questions is what puts it first.
    for (const other of hits.slice(1)) expect(hits[0]!.signals.ranker).toBeGreaterThan(other.signals.ranker!);
  });

  it('pools the questions of translations: a Spanish question reaches the English article of its topic', async () => {
    const query = 'quiero conservar mi número al cambiarme de compañía';
    // An English-only view of the help center (an English site): the Spanish article is not offered.
    const englishOnly = { locale: 'es', locales: ['en'] };
    const withPortIn = {
      ...FILES,
      'en/port-in.md': article({ id: 'port-in', locale: 'en', title: 'Bring your number to Nubo', topic: 'port-in', questions: ['keep my number from another carrier'] },
        'Ask for it on the website: it takes one or two working days.'),
    };
    const pooled = (await (await retriever(withPortIn)).search(query, englishOnly)).hits[0];
    expect(pooled?.article.id).toBe('port-in');
    expect(pooled!.confidence).toBeGreaterThanOrEqual(0.25);
    // Without the shared topic the English article has only its own (English) questions to go by.
    const apart = { ...withPortIn, 'en/port-in.md': withPortIn['en/port-in.md'].replace('topic: "port-in"\n', '') };
    const alone = (await (await retriever(apart)).search(query, englishOnly)).hits.find((h) => h.article.id === 'port-in');
    expect(alone?.confidence ?? 0).toBeLessThan(pooled!.confidence / 2);
  });

  it('serves a topic in the customer’s language with the confidence its pooled questions earned', async () => {
    const r = await retriever();
    const es = (await r.search('stop my subscription', { locale: 'es' })).hits[0]!;
    const en = (await r.search('stop my subscription', { locale: 'en' })).hits[0]!;
    expect([es.article.id, en.article.id]).toEqual(['dar-de-baja', 'cancel-plan']);
    expect(es.confidence).toBe(en.confidence);
  });

  it('gives out-of-scope questions a low confidence: never enough to answer, below any paraphrase of a question', async () => {
    const r = await retriever();
    const best = async (query: string) => (await r.search(query)).hits[0]?.confidence ?? 0;
    const inScope = await Promise.all(['me gustaría tener sims virtuales', 'necesito la factura en pdf', 'how do I end my contract'].map(best));
    for (const query of ['¿a qué hora juega el Real Madrid mañana?', 'recommend me a good pizza place', 'berenjenas']) {
      const confidence = await best(query);
      expect(confidence, query).toBeLessThan(0.45);
      expect(confidence, query).toBeLessThan(Math.min(...inScope));
    }
  });

  it('gives every confidence in [0, 1], a topic at most once, and the topics of a query at most 1 together', async () => {
    const r = await retriever();
    for (const query of ['factura', 'quiero una clave nueva', 'roaming Francia contraseña', 'hola', '']) {
      const { hits } = await r.search(query, { locale: 'es' });
      const topics = hits.map((h) => h.article.topic);
      expect(new Set(topics).size).toBe(topics.length);
      for (const h of hits) expect(h.confidence).toBeGreaterThanOrEqual(0);
      expect(hits.reduce((sum, h) => sum + h.confidence, 0)).toBeLessThanOrEqual(1 + 1e-9);
    }
  });

  it('can be turned off: the fixed blend of lexical scores and calibration then ranks', async () => {
    const kb = await knowledge();
    const build = await buildRetrieval(kb, { ...lexicalSettings(kb.dir), ranker: false });
    expect(build.retriever.ranker).toBeUndefined();
    expect(build.ranker).toBeUndefined();
    const { hits } = await build.retriever.search('descargar la factura', { locale: 'es' });
    expect(hits[0]!.article.id).toBe('descargar-factura');
    expect(hits[0]!.signals.calibration).toBe('lexical/es');
  });
});

describe('the fusion and its calibration', () => {
  const signals = (values: Partial<Record<(typeof SIGNALS)[number], number>>) =>
    Float64Array.from(SIGNALS, (name) => values[name] ?? 0);

  it('turns signals into confidences in [0, 1] that grow with every signal of positive weight', () => {
    const fusion = { weights: SIGNALS.map(() => 1), none: 1 };
    let previous = -1;
    for (let lexical = 0; lexical <= 1; lexical += 0.1) {
      const [confidence] = fuse(fusion, [signals({ lexical }), signals({ lexical: 0.5 })]);
      expect(confidence).toBeGreaterThan(previous);
      expect(confidence).toBeGreaterThanOrEqual(0);
      expect(confidence).toBeLessThanOrEqual(1);
      previous = confidence!;
    }
    expect(fuse(fusion, [])).toEqual([]);
  });

  it('fits the weights that produced held-out answers, calibrated: about as often right as it says', () => {
    // One candidate per question, right with probability σ(6·lexical − 3) against "none".
    let seed = 3;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const samples: FusionSample[] = Array.from({ length: 4000 }, () => {
      const lexical = random();
      const right = random() < 1 / (1 + Math.exp(-(6 * lexical - 3)));
      return { candidates: [signals({ lexical })], answer: right ? 0 : -1, weight: 1 };
    });
    const fitted = fitFusion(samples, { weights: SIGNALS.map(() => 0), none: 0 }, 1);
    expect(fitted.weights[SIGNALS.indexOf('lexical')]).toBeCloseTo(6, 0);
    expect(fitted.none).toBeCloseTo(3, 0);
    const buckets = [0.1, 0.5, 0.9].map((lexical) => fuse(fitted, [signals({ lexical })])[0]!);
    expect(buckets[0]).toBeLessThan(buckets[1]!);
    expect(buckets[1]).toBeLessThan(buckets[2]!);
    expect(buckets[1]).toBeCloseTo(0.5, 1);
  });

  it('keeps the built-in fusion when there is nothing to fit it on', () => {
    expect(fitFusion([], DEFAULT_FUSION, 20)).toEqual({ weights: [...DEFAULT_FUSION.weights], none: DEFAULT_FUSION.none });
  });
});

describe('n-gram features', () => {
  it('fold case and accents, and let a query mostly of unknown words weigh little', () => {
    const tfidf = new TfIdf();
    const [trained] = tfidf.fit(['Contraseña olvidada', 'Roaming en Francia']);
    const same = tfidf.transform('CONTRASENA olvidada');
    expect(Array.from(same.ids)).toEqual(Array.from(trained!.ids));
    const norm = (v: { values: Float32Array }) => Math.hypot(...v.values);
    expect(norm(same)).toBeCloseTo(1, 5);
    expect(norm(tfidf.transform('contraseña xylofono zapatero murcielago'))).toBeLessThan(0.7);
  });
});

describe('retraining on a knowledge edit', () => {
  const open: LiveRetrieval[] = [];
  afterEach(async () => { await Promise.all(open.splice(0).map((live) => live.close())); });

  it('serves the edit at once with a quick retrain, then recalibrates in the background', async () => {
    const root = tempTree(FILES);
    const live = new LiveRetrieval({ knowledge: { dir: root, locales: LOCALES, maxFileBytes: 1e6 }, retrieval: lexicalSettings(root), debounceMs: 20 });
    open.push(live);
    await live.start();
    await live.reload();
    expect(live.retriever.ranker?.stats.heldOut).toBeDefined();
    const query = 'se me ha mojado el teléfono';
    expect((await live.search(query)).hits[0]?.confidence ?? 0).toBeLessThan(0.45);

    const started = performance.now();
    writeFileSync(path.join(root, 'es/mojado.md'), article({
      id: 'movil-mojado', title: 'Mi móvil se ha mojado', questions: ['se me cayó el teléfono al agua', 'el móvil se ha mojado y no enciende'],
    }, 'Apágalo y déjalo secar.'));
    await live.reload(['es/mojado.md']);
    const quick = live.retriever;
    const hit = (await live.search(query)).hits[0];
    expect(performance.now() - started).toBeLessThan(2000);
    expect(hit?.article.id).toBe('movil-mojado');
    expect(hit!.confidence).toBeGreaterThanOrEqual(0.45);
    // The quick retrain kept the previous fusion; the cross-validated one follows.
    await live.recalibrated();
    expect(live.retriever).toBe(quick);
    expect(live.retriever.ranker?.stats.heldOut?.inScope).toBeGreaterThan(0);
    expect(live.retriever.ranker?.stats.topics).toBe(7);
    expect((await live.search(query)).hits[0]?.article.id).toBe('movil-mojado');
  });
});
