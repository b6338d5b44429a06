import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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

async function startLive(files: Record<string, string> = FILES) {
  const root = tempTree(files);
  const reloads: LiveReload[] = [];
  const errors: string[] = [];
  const retrieval: RetrievalSettings = {
    dataDir: path.join(root, 'data'), chunkMaxChars: 1200, denseWeight: 0.45,
    embedder: { provider: 'none', fallback: 'none', model: 'none', modelsDir: root, allowRemote: false, quantized: true, batchSize: 16 },
  };
  const live = new LiveRetrieval({
    knowledge: { dir: root, locales: LOCALES, maxFileBytes: 1_000_000 }, retrieval,
    onReload: (reload) => reloads.push(reload), onError: (message) => errors.push(message),
  });
  open.push(live);
  await live.start();
  // The check start() makes for edits saved during the first build: finished, so what follows goes by the watcher.
  await live.reload();
  return { live, root, reloads, errors, file: (rel: string) => path.join(root, rel) };
}

const topId = async (live: LiveRetrieval, query: string) => (await live.search(query)).hits[0]?.article.id;

/** Milliseconds until `found` holds for a fresh search; fails past the deadline. */
async function served(found: () => Promise<boolean>): Promise<number> {
  const started = performance.now();
  while (!(await found())) {
    if (performance.now() - started > DEADLINE_MS) throw new Error(`not served within ${DEADLINE_MS} ms`);
    await sleep(10);
  }
  return performance.now() - started;
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
    await served(async () => reloads.length > 0);
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
    await served(async () => (await topId(live, 'version5')) === 'roaming');
    await sleep(300);
    expect(reloads.length).toBeGreaterThanOrEqual(1);
    expect(reloads.length).toBeLessThanOrEqual(2);
  });

  it('keeps serving while the folder is missing, says why, and follows it when it comes back', async () => {
    const { live, root, errors, reloads } = await startLive();
    renameSync(root, `${root}.moved`);
    await served(async () => errors.length > 0);
    expect(errors[0]).toMatch(/^knowledge not reloaded: knowledge folder not found: .*; the previous version is still served$/);
    expect(await topId(live, 'roaming')).toBe('roaming');
    renameSync(`${root}.moved`, root);
    await served(async () => reloads.length > 0);
    expect(reloads).toEqual([expect.objectContaining({ files: [], articles: 3 })]);
    writeFileSync(path.join(root, 'es/roaming.md'), article({ id: 'roaming', title: 'Roaming y alcachofas' }, 'Texto.'));
    await served(async () => (await topId(live, 'alcachofas')) === 'roaming');
  });
});
