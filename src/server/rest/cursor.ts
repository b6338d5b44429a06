import type { TurnRecord } from '../../dialogue/state.js';

/**
 * A place in a conversation's transcript: every turn stamped before `at`, and the first `seen` turns stamped exactly
 * `at`. Turns are addressed by time rather than by position because the stored transcript keeps only its last
 * turns, and starts again empty when a conversation expires: a position would then point at the wrong turn.
 */
export interface Cursor { at: number; seen: number }

/** What clients send back: opaque to them, `<milliseconds>-<seen>` here. */
export const CURSOR_PATTERN = '^[0-9]{1,15}-[0-9]{1,4}$';

export const START: Cursor = { at: 0, seen: 0 };

export const encodeCursor = (cursor: Cursor) => `${cursor.at}-${cursor.seen}`;

export function decodeCursor(text: string): Cursor {
  const [at, seen] = text.split('-').map(Number);
  return { at: at!, seen: seen! };
}

/** The cursor just after `turns[index]`; START for an empty transcript (index -1). */
export function cursorAfter(turns: readonly TurnRecord[], index: number): Cursor {
  const turn = turns[index];
  if (!turn) return START;
  const at = Date.parse(turn.at);
  let seen = 0;
  for (let i = 0; i <= index; i++) if (Date.parse(turns[i]!.at) === at) seen++;
  return { at, seen };
}

/** The indexes of the turns after `cursor`, oldest first. */
export function indexesAfter(turns: readonly TurnRecord[], cursor: Cursor): number[] {
  const indexes: number[] = [];
  let sameInstant = 0;
  turns.forEach((turn, i) => {
    const at = Date.parse(turn.at);
    if (at === cursor.at) sameInstant++;
    if (at > cursor.at || (at === cursor.at && sameInstant > cursor.seen)) indexes.push(i);
  });
  return indexes;
}
