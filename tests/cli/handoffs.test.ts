import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { openStore } from '../../src/store/index.js';
import { captureIO, tempTree } from '../helpers.js';

const ARTICLE = '---\nid: roaming-ue\ntitle: Roaming en la Unión Europea\nquestions: ["¿puedo usar datos en Francia?"]\n---\nEn la UE usas tu tarifa como en casa.\n';

async function run(root: string, args: string[], lines: string[] = []) {
  const io = { ...captureIO(root), stdin: Readable.from(lines.map((l) => `${l}\n`)) };
  const code = await main(args, io);
  return { code, out: io.out(), err: io.err() };
}

describe('escucha handoffs', () => {
  it('lets an agent in the terminal take a case from escucha chat, answer the customer and hand them back', async () => {
    const root = tempTree({ 'knowledge/es/roaming.md': ARTICLE, 'bot.config.ts': 'export default { retrieval: { embedder: { provider: "none" } } };\n' });
    const chat = await run(root, ['chat'], ['¿puedo usar datos en Francia?', 'quiero hablar con una persona']);
    expect(chat.out).toMatch(/\[case ([0-9a-f]{8})[0-9a-f-]+ queued: asked, priority \d+ \(\w+\)/);
    const id = /\[case ([0-9a-f]{8})/.exec(chat.out)![1]!;

    const list = await run(root, ['handoffs']);
    expect(list.out.split('\n')[0]).toMatch(/^case\s+priority\s+status\s+reason\s+lang\s+waited\s+upset\s+first question$/);
    expect(list.out).toContain(`${id}  `);
    expect(list.out).toContain('¿puedo usar datos en Francia?');

    expect((await run(root, ['handoffs', 'reply', id, '--agent', 'ana', 'hola'])).err).toContain('claim it first');
    expect((await run(root, ['handoffs', 'claim', id, '--agent', 'ana'])).out).toContain('is yours, ana');
    expect((await run(root, ['handoffs', 'claim', id, '--agent', 'luis'])).err).toContain('already taken by ana');
    expect((await run(root, ['handoffs', 'reply', id, '--agent', 'ana', 'Hola,', 'soy', 'Ana.'])).code).toBe(0);
    const show = await run(root, ['handoffs', 'show', id]);
    expect(show.out).toContain('why: Pidió hablar con una persona.');
    expect(show.out).toContain('bot answered with: Roaming en la Unión Europea');
    expect(show.out).toMatch(/agent ana: Hola, soy Ana\./);
    expect((await run(root, ['handoffs', 'return', id, '--agent', 'ana'])).out).toContain('handed back to the bot');
    expect((await run(root, ['handoffs'])).out).toBe('no open cases\n');

    const store = openStore({ dataDir: `${root}/data` });
    const [row] = store.db.prepare('select state from conversations').all() as { state: string }[];
    store.close();
    const turns = JSON.parse(row!.state).turns as { role: string; text: string }[];
    expect(turns.slice(-2)).toEqual([
      expect.objectContaining({ role: 'agent', text: 'Hola, soy Ana.' }),
      expect.objectContaining({ role: 'bot', text: expect.stringMatching(/^Vuelvo a estar yo por aquí\. ¿Te ayudo con algo más\?\n\nAntes de que te vayas: ¿cómo calificarías/) }),
    ]);
  });

  it('says what is wrong with a call, in one line', async () => {
    const root = tempTree({ 'knowledge/es/roaming.md': ARTICLE });
    expect(await run(root, ['handoffs', 'claim', 'abc'])).toMatchObject({ code: 2, err: 'escucha handoffs: claim needs --agent NAME\n' });
    expect(await run(root, ['handoffs', 'fly'])).toMatchObject({ code: 2, err: expect.stringContaining('unknown action "fly"') });
    expect((await run(root, ['handoffs', 'show', 'nope'])).err).toContain('no case "nope"');
  });
});
