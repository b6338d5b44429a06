import type { EmotionReading, HandoffReason } from '../dialogue/types.js';

/** How much each thing weighs in a case's priority (0..100); waiting time is added by the queue as it passes. */
const BASE: Readonly<Record<HandoffReason, number>> = { asked: 25, failures: 35, escalate: 35, frustration: 45 };
const PER_FAILURE = 5;
const EMOTION_SHARE = 40;
const RISING_BONUS = 5;
/** Points per minute of waiting, and the most waiting can add. */
const PER_MINUTE = 0.5;
const WAITING_CAP = 30;

export function initialPriority(reason: HandoffReason, emotion: EmotionReading, failures: number): number {
  const score = BASE[reason] + EMOTION_SHARE * emotion.level + PER_FAILURE * Math.min(failures, 4) + (emotion.rising ? RISING_BONUS : 0);
  return Math.round(Math.min(100, score));
}

/** The priority the queue sorts by: the initial one plus what waiting has added. */
export function currentPriority(initial: number, createdAt: string, now: Date): number {
  const minutes = Math.max(0, (now.getTime() - Date.parse(createdAt)) / 60_000);
  return Math.round(Math.min(100, initial + Math.min(WAITING_CAP, minutes * PER_MINUTE)));
}

export type PriorityLabel = 'urgent' | 'high' | 'normal' | 'low';

export function priorityLabel(priority: number): PriorityLabel {
  return priority >= 75 ? 'urgent' : priority >= 55 ? 'high' : priority >= 35 ? 'normal' : 'low';
}
