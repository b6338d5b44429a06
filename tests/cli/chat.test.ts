import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { openStore } from '../../src/store/index.js';
import { captureIO, tempTree } from '../helpers.js';

const ARTICLE = `---
id: roaming-ue
title: Roaming en la Unión Europea
questions: ["¿puedo usar datos en Francia?"]
---
En la UE usas tu tarifa como en casa.

## ¿Cuánto tarda?

La activación tarda unos cinco minutos.
`;

async function chat(lines: string[], args: string[] = []) {
  const root = tempTree({ 'knowledge/es/roaming.md': ARTICLE, 'bot.config.ts': 'export default { retrieval: { embedder: { provider: "none" } } };\n' });
  const io = { ...captureIO(root), stdin: Readable.from(lines.map((l) => `${l}\n`)) };
  const code = await main(['chat', ...args], io);
  return { code, out: io.out(), err: io.err(), root };
}

describe('escucha chat', () => {
  it('talks through the engine: welcome, answer with its citation, follow-up, feedback, and the decisions with --debug', async () => {
    const { code, out } = await chat(['¿puedo usar datos en Francia?', '¿y cuánto tarda?', 'sí', '/quit'], ['--debug']);
    expect(code).toBe(0);
    expect(out).toContain('bot  Hola, soy el asistente de Nubo');
    expect(out).toContain('En la UE usas tu tarifa como en casa.');
    expect(out).toContain('Artículo completo: Roaming en la Unión Europea (/help/roaming-ue)');
    expect(out).toContain('La activación tarda unos cinco minutos.');
    expect(out).toContain('[answer: roaming-ue#cuanto-tarda');
    expect(out).toContain('¡Me alegro!');
    expect(out).not.toMatch(/\x1b\[/); // no colours when the output is not a terminal
  });

  it('keeps each conversation in the data folder, and /new starts another', async () => {
    const { code, root } = await chat(['¿puedo usar datos en Francia?', '/new', 'hola']);
    expect(code).toBe(0);
    const store = openStore({ dataDir: `${root}/data` });
    const rows = store.db.prepare('select id, state from conversations order by id').all() as { id: string; state: string }[];
    store.close();
    expect(rows).toHaveLength(2);
    expect(rows.map((r) => JSON.parse(r.state).turns.length)).toEqual([2, 2]);
  });

  it('says in one line when a message cannot be handled, and goes on and closes cleanly', async () => {
    const root = tempTree({ 'knowledge/es/roaming.md': ARTICLE, 'bot.config.ts': 'export default { retrieval: { embedder: { provider: "none" } } };\n' });
    // Another command holds the database's write lock for longer than the store waits.
    const other = openStore({ dataDir: `${root}/data` });
    other.db.prepare('BEGIN IMMEDIATE').run();
    try {
      const io = { ...captureIO(root), stdin: Readable.from(['hola\n', '/quit\n']) };
      expect(await main(['chat'], io)).toBe(0);
      expect(io.err()).toMatch(/escucha chat: that message was not handled: database is locked; try again\n/);
    } finally {
      other.db.prepare('ROLLBACK').run();
      other.close();
    }
  }, 20_000);
});
