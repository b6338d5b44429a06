import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { openStore } from '../../src/store/index.js';
import { captureIO, tempTree } from '../helpers.js';
import { conversation, recordedStore } from '../outcomes/script.js';

async function dataFolder() {
  const root = tempTree({});
  const dataDir = path.join(root, 'data');
  const { store, recorder } = recordedStore({}, dataDir);
  for (const [id, customerId, at] of [['a1', 'ana', '2026-11-02T10:00:00.000Z'], ['a2', 'ana', '2026-11-03T10:00:00.000Z'], ['b1', 'ben', '2026-11-02T10:00:00.000Z']] as const) {
    const c = conversation(store, recorder, id, { at, customerId });
    await c.start();
    await c.answer('¿cómo activo el roaming?', 'roaming-ue', 'como-activarlo', 0.9);
    await c.feedback(true);
  }
  store.close();
  return { root, dataDir };
}

const conversationsIn = (dataDir: string) => {
  const store = openStore({ dataDir });
  try {
    return store.db.prepare('SELECT id FROM conversations ORDER BY id').all();
  } finally {
    store.close();
  }
};

describe('escucha forget', () => {
  it('deletes everything about a customer and says what, per table', async () => {
    const { root, dataDir } = await dataFolder();
    const io = captureIO(root);
    expect(await main(['forget', '--customer', 'ana', '--data', dataDir], io)).toBe(0);
    expect(io.out()).toMatch(/^Deleted everything stored about customer ana:\n/);
    expect(io.out()).toMatch(/ conversations\s+2\n/);
    expect(io.out()).toMatch(/ turns\s+4\n/);
    expect(io.out()).toMatch(/ feedback\s+2\n/);
    expect(io.out()).toMatch(/ outcomes\s+2\n/);
    expect(io.out()).not.toMatch(/surveys/); // nothing there, so not listed
    expect(conversationsIn(dataDir)).toEqual([{ id: 'b1' }]);
  });

  it('answers as JSON, and says so when there is nothing to forget', async () => {
    const { root, dataDir } = await dataFolder();
    const json = captureIO(root);
    expect(await main(['forget', '--customer', 'ben', '--json', '--data', dataDir], json)).toBe(0);
    expect(JSON.parse(json.out())).toMatchObject({ conversations: 1, outcomes: 1, turns: 2, feedback: 1, surveys: 0 });
    const none = captureIO(root);
    expect(await main(['forget', '--customer', 'nobody', '--data', dataDir], none)).toBe(0);
    expect(none.out()).toBe('Nothing stored about customer nobody.\n');
    expect(conversationsIn(dataDir)).toEqual([{ id: 'a1' }, { id: 'a2' }]);
  });

  it('applies the retention period with --expired (365 days unless --days says otherwise)', async () => {
    const root = tempTree({});
    const dataDir = path.join(root, 'data');
    const { store, recorder } = recordedStore({}, dataDir);
    const day = 86_400_000;
    for (const [id, daysAgo] of [['old', 400], ['month', 30], ['today', 0]] as const) {
      const c = conversation(store, recorder, id, { at: new Date(Date.now() - daysAgo * day - 3_600_000).toISOString() });
      await c.start();
      await c.answer('¿cómo activo el roaming?', 'roaming-ue', 'como-activarlo', 0.9);
    }
    store.close();
    const byDefault = captureIO(root);
    expect(await main(['forget', '--expired', '--json', '--data', dataDir], byDefault)).toBe(0);
    expect(JSON.parse(byDefault.out())).toMatchObject({ conversations: 1, outcomes: 1, turns: 1 });
    expect(conversationsIn(dataDir)).toEqual([{ id: 'month' }, { id: 'today' }]);
    const week = captureIO(root);
    expect(await main(['forget', '--expired', '--days', '7', '--data', dataDir], week)).toBe(0);
    expect(week.out()).toMatch(/^Deleted everything stored older than the retention period:\n  conversations\s+1\n/);
    expect(conversationsIn(dataDir)).toEqual([{ id: 'today' }]);
  });

  it('explains a wrong call', async () => {
    const { root, dataDir } = await dataFolder();
    const io = captureIO(root);
    expect(await main(['forget', '--data', dataDir], io)).toBe(2);
    expect(io.err()).toBe('escucha forget: say whom to forget: --customer ID (or --expired)\n');
    expect(await main(['forget', '--customer', 'ana', '--expired', '--data', dataDir], captureIO(root))).toBe(2);
    expect(await main(['forget', '--customer', 'ana', '--days', '3', '--data', dataDir], captureIO(root))).toBe(2);
    expect(conversationsIn(dataDir)).toHaveLength(3);
  });
});
