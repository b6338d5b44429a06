import { mkdirSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LiveRetrieval, type LiveReload, type RetrievalSettings } from '../../src/retrieval/index.js';
import { LOCALES, tempTree } from '../helpers.js';

const article = (fm: Record<string, unknown>, body: string) =>
  `---\n${Object.entries(fm).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join('\n')}\n---\n${body}\n`;

const FILES = {
  'es/contrasena.md': article({ id: 'contrasena', title: 'Cambiar la contraseña', questions: ['quiero una clave nueva'] }, 'Abre Perfil y luego Seguridad.'),
  'es/roaming.md': article({ id: 'roaming', title: 'Roaming en la Unión Europea' }, 'En la UE usas tu tarifa como en casa.'),
  'es/factura.md': article({ id: 'factura', title: 'Descargar la factura' }, 'La factura está en la app cada mes.'),
};

const DEADLINE_MS = 2000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const open: LiveRetrieval[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((live) => live.close()));
});

interface Options { debounceMs?: number; onReload?: (reload: LiveReload) => void; onError?: (message: string) => void }

function makeLive(files: Record<string, string> = FILES, { debounceMs, onReload, onError }: Options = {}) {
  const root = tempTree(files);
  const reloads: LiveReload[] = [];
  const errors: string[] = [];
  const retrieval: RetrievalSettings = {
    dataDir: path.join(root, 'data'), chunkMaxChars: 1200, denseWeight: 0.45,
    embedder: { provider: 'none', fallback: 'none', model: 'none', modelsDir: root, allowRemote: false, quantized: true, batchSize: 16 },
  };
  const live = new LiveRetrieval({
    knowledge: { dir: root, locales: LOCALES, maxFileBytes: 1_000_000 }, retrieval, retryMs: 50,
    ...(debounceMs !== undefined && { debounceMs }),
    onReload: (reload) => { reloads.push(reload); onReload?.(reload); },
    onError: (message) => { errors.push(message); onError?.(message); },
  });
  open.push(live);
  return { live, root, reloads, errors, file: (rel: string) => path.join(root, rel) };
}

async function startLive(...args: Parameters<typeof makeLive>) {
  const made = makeLive(...args);
  const { live } = made;
  await live.start();
  // The check start() makes for edits saved during the first build: finished, so what follows goes by the watcher.
  await live.reload();
  return made;
}

/**
 * The best article the lexical index matched: what these tests follow is the index taking an edit in. (The
 * ranker's character n-grams also put forward, with a low confidence, any article sharing a word ending, as
 * "contraseña" does for "berenjena".)
 */
const topId = async (live: LiveRetrieval, query: string) => (await live.search(query)).hits.find((h) => h.signals.lexical > 0)?.article.id;

/** Milliseconds until `found` holds for a fresh search, or (never found) a little more than the deadline. */
async function served(found: () => Promise<boolean>): Promise<number> {
  const started = performance.now();
  while (!(await found()) && performance.now() - started <= DEADLINE_MS) await sleep(10);
  return performance.now() - started;
}

/** Waits for `done`; fails, saying for what, past the deadline. */
async function until(what: string, done: () => boolean | Promise<boolean>, ms = DEADLINE_MS): Promise<void> {
  const deadline = performance.now() + ms;
  while (!(await done())) {
    if (performance.now() > deadline) throw new Error(`still waiting after ${ms} ms for ${what}`);
    await sleep(10);
  }
}

/** How an editor saves: a temp file renamed over the article. */
function saveByRename(file: string, content: string) {
  writeFileSync(`${path.dirname(file)}/.${path.basename(file)}.tmp`, content);
  renameSync(`${path.dirname(file)}/.${path.basename(file)}.tmp`, file);
}

describe('live retrieval', () => {
  it('serves an edited title and question within 2 s', async () => {
    const { live, file, reloads } = await startLive();
    expect(await topId(live, 'zanahoria')).toBeUndefined();
    writeFileSync(file('es/roaming.md'), article({ id: 'roaming', title: 'Roaming y zanahorias', questions: ['¿puedo usar datos en Marruecos?'] }, 'En la UE usas tu tarifa como en casa.'));
    const delay = await served(async () => (await topId(live, 'zanahoria')) === 'roaming');
    expect(delay).toBeLessThan(DEADLINE_MS);
    expect(await topId(live, 'datos en Marruecos')).toBe('roaming');
    expect(reloads.at(-1)).toMatchObject({ files: ['es/roaming.md'], removed: [], articles: 3, diagnostics: [] });
  });

  it('serves an added file and forgets a deleted one within 2 s', async () => {
    const { live, file, reloads } = await startLive();
    mkdirSync(file('es/nuevo'));
    writeFileSync(file('es/nuevo/esim.md'), article({ id: 'esim', title: 'Activar la eSIM' }, 'Escanea el código QR.'));
    expect(await served(async () => (await topId(live, 'activar esim')) === 'esim')).toBeLessThan(DEADLINE_MS);
    rmSync(file('es/factura.md'));
    expect(await served(async () => (await topId(live, 'descargar factura')) !== 'factura')).toBeLessThan(DEADLINE_MS);
    expect(reloads.at(-1)).toMatchObject({ files: ['es/factura.md'], removed: ['es/factura.md'], articles: 3 });
    expect(live.knowledge.byId.has('factura')).toBe(false);
  });

  it('never fails a query while edits are saved, and the old article is served until the new one is', async () => {
    const { live, file, reloads } = await startLive();
    let queries = 0;
    const failures: unknown[] = [];
    let running = true;
    const loop = (async () => {
      while (running) {
        try {
          const { hits } = await live.search('cambiar la contraseña');
          queries++;
          if (hits[0]?.article.id !== 'contrasena') failures.push(hits.map((h) => h.article.id));
        } catch (error) {
          failures.push(error);
        }
        await sleep(5);
      }
    })();
    // Saved by rename each time: the case a recursive fs.watch loses after the first save.
    for (const word of ['pimiento', 'berenjena', 'calabaza']) {
      saveByRename(file('es/contrasena.md'), article({ id: 'contrasena', title: 'Cambiar la contraseña', questions: [`${word} de la clave`] }, 'Abre Perfil y luego Seguridad.'));
      expect(await served(async () => (await topId(live, word)) === 'contrasena')).toBeLessThan(DEADLINE_MS);
    }
    running = false;
    await loop;
    expect(failures).toEqual([]);
    expect(queries).toBeGreaterThan(10);
    expect(reloads.length).toBe(3);
  });

  it('reports a file broken by an edit and keeps serving the others', async () => {
    const { live, file, reloads } = await startLive();
    writeFileSync(file('es/factura.md'), '---\ntitle: Descargar la factura\n\nLa factura está en la app.\n');
    await until('the reload', () => reloads.length > 0);
    expect(reloads[0]!.diagnostics).toEqual([expect.objectContaining({ path: 'es/factura.md', severity: 'error', skipsFile: true })]);
    expect(reloads[0]!.articles).toBe(2);
    expect(await topId(live, 'cambiar la contraseña')).toBe('contrasena');
    expect(await topId(live, 'roaming')).toBe('roaming');
  });

  it('rebuilds once or twice for a burst of quick saves, and serves the last one', async () => {
    const { live, file, reloads } = await startLive();
    for (let i = 1; i <= 5; i++) {
      writeFileSync(file('es/roaming.md'), article({ id: 'roaming', title: 'Roaming', questions: [`version${i}`] }, 'Texto.'));
      await sleep(15);
    }
    await until('version5 served', async () => (await topId(live, 'version5')) === 'roaming');
    await sleep(300);
    // The saves take 75 ms, half the debounce: one rebuild, or two when the watcher's events straddle one.
    expect(reloads.map((r) => r.files)).toEqual(reloads.length === 2 ? [['es/roaming.md'], ['es/roaming.md']] : [['es/roaming.md']]);
    expect(live.knowledge.byId.get('roaming')?.questions).toEqual(['version5']);
  });

  it('keeps serving while the folder is missing, says why once, and follows it when it comes back', async () => {
    const { live, root, errors, reloads } = await startLive();
    renameSync(root, `${root}.moved`);
    await until('the failure', () => errors.length > 0);
    // Retried after 50, 100 ms...: failing the same way, said once.
    await sleep(250);
    expect(errors).toEqual([expect.stringMatching(/^knowledge not reloaded: knowledge folder not found: .*; the previous version is still served until a retry works$/)]);
    expect(await topId(live, 'roaming')).toBe('roaming');
    renameSync(`${root}.moved`, root);
    await until('the reload', () => reloads.length > 0);
    expect(reloads).toEqual([expect.objectContaining({ files: [], articles: 3 })]);
    writeFileSync(path.join(root, 'es/roaming.md'), article({ id: 'roaming', title: 'Roaming y alcachofas' }, 'Texto.'));
    expect(await served(async () => (await topId(live, 'alcachofas')) === 'roaming')).toBeLessThan(DEADLINE_MS);
    expect(errors.length).toBe(1);
  });

  it('retries a failed reload, with the files it was to re-read, until it works without another edit', async () => {
    // The watcher waits up to 1 s for the edit below: a reload before that is the retry's.
    const { live, root, file, reloads, errors } = makeLive(FILES, { debounceMs: 5000 });
    // Size, time and inode kept by that edit: only the path named tells it changed.
    utimesSync(file('es/roaming.md'), 1_700_000_000, 1_700_000_000);
    await live.start();
    await live.reload();
    writeFileSync(file('es/roaming.md'), FILES['es/roaming.md'].replace('como en casa.', 'de zanahoria.'));
    utimesSync(file('es/roaming.md'), 1_700_000_000, 1_700_000_000);
    renameSync(root, `${root}.moved`);
    await live.reload(['es/roaming.md']);
    // Back before the watcher's check of the folder (every 500 ms) is likely to see it gone; it makes no edit event.
    renameSync(`${root}.moved`, root);
    expect(errors).toEqual([expect.stringMatching(/^knowledge not reloaded: knowledge folder not found: /)]);
    expect(await topId(live, 'zanahoria')).toBeUndefined();
    expect(await served(async () => (await topId(live, 'zanahoria')) === 'roaming')).toBeLessThan(500);
    expect(reloads).toEqual([expect.objectContaining({ files: ['es/roaming.md'], articles: 3 })]);
    expect(errors.length).toBe(1);
  });

  it('survives listeners that throw', async () => {
    const { live, root, reloads, errors } = await startLive(FILES, {
      onReload: () => { throw new Error('onReload bug'); },
      onError: () => { throw new Error('onError bug'); },
    });
    renameSync(root, `${root}.moved`);
    await live.reload();
    renameSync(`${root}.moved`, root);
    // Recovered by the retry, which nothing awaits: a throw there would be an unhandled rejection.
    await until('the onReload failure', () => errors.length > 1);
    expect(reloads.length).toBe(1);
    expect(errors).toEqual([expect.stringMatching(/^knowledge not reloaded: /), 'onReload failed: onReload bug']);
    writeFileSync(path.join(root, 'es/roaming.md'), article({ id: 'roaming', title: 'Roaming y alcachofas' }, 'Texto.'));
    expect(await served(async () => (await topId(live, 'alcachofas')) === 'roaming')).toBeLessThan(DEADLINE_MS);
  });

  it('rejects a search before start(), and makes reload() and close() wait for start()', async () => {
    const { live, reloads } = makeLive();
    await expect(live.search('roaming')).rejects.toThrow('start() has not finished');
    await expect(live.reload()).rejects.toThrow('start() has not been called');
    const started = live.start();
    expect(live.start()).toBe(started);
    await live.reload();
    // Once start() is done, it finds nothing new: no second build ran alongside the first.
    expect(reloads).toEqual([]);
    expect(await topId(live, 'roaming')).toBe('roaming');

    const other = makeLive().live;
    void other.start();
    await other.close();
    expect(await topId(other, 'roaming')).toBe('roaming');
  });
});
