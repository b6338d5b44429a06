import { fill, type MessageCatalog, type MessageKey } from './messages.js';
import { describeOpening } from './opening.js';
import type { EngineOptions } from './options.js';
import type { Turn } from './turn.js';
import type { Decision, HandoffReason } from './types.js';

export class HandoffStep {
  constructor(private readonly options: EngineOptions) {}

  /**
   * Passes the conversation to the team: acknowledges why in the customer's language (the feeling first, when they
   * are upset), says what happens next and roughly when, and queues it once.
   */
  handOff(turn: Turn, reason: HandoffReason, articleId?: string): Decision {
    const { state, catalog } = turn;
    if (state.handedOff) {
      // Already in the team's queue: say so again rather than queue the customer twice.
      turn.reply({ text: catalog.handoffWaiting });
      return 'handoff';
    }
    // A calm request for a person is not met with "I understand this is frustrating": only other signs count.
    const feelings = turn.emotion.reasons.some((r) => r.kind !== 'askedForPerson');
    const upset = reason === 'frustration' || (reason !== 'escalate' && feelings && turn.emotion.level >= this.options.emotion.mildLevel);
    const key: MessageKey = upset ? 'handoffFrustrated' : reason === 'asked' ? 'handoffAsked' : reason === 'escalate' ? 'handoffEscalate' : 'handoffFailures';
    turn.reply({ text: `${catalog[key]} ${this.whatHappensNext(catalog, state.locale, turn.now())}` });
    state.handedOff = { at: turn.now().toISOString(), reason, status: 'waiting' };
    state.pending = undefined;
    turn.handoff = { reason, ...(articleId && { articleId }) };
    return 'handoff';
  }

  private whatHappensNext(catalog: MessageCatalog, locale: string, now: Date): string {
    const team = this.options.availability?.(now) ?? { open: true, timeZone: 'UTC' };
    if (team.open) return fill(catalog.handoffNextOpen, { minutes: String(this.options.handoff.expectedWaitMinutes) });
    if (!team.nextOpen) return catalog.handoffNoHours;
    const when = describeOpening(team.nextOpen, now, team.timeZone, locale,
      { today: catalog.whenToday, tomorrow: catalog.whenTomorrow, weekday: catalog.whenWeekday });
    return fill(catalog.handoffNextClosed, { when });
  }
}
