/**
 * The outcome of a conversation, from the facts recorded about it. Exactly one per conversation:
 *
 * 1. `escalated`: handed to a person, and that case is still open (waiting or assigned) when the conversation ends.
 * 2. `resolved_by_agent`: handed to a person, and the case was closed by the team: resolved by an agent, or given
 *    back to the bot without the customer being handed over again (a new handoff makes it 1 again). The bot's later
 *    answers in the same conversation do not change that: the team's work decided it.
 * 3. `resolved_by_bot`: never handed over, and the customer's last word on their question was that it helped (a
 *    "yes" to "¿Te sirvió?", "ya funciona", or a CSAT of 4-5 or CES of 5-7 after an answer), or the bot's last
 *    reply to a question was an answer and the customer asked nothing more before leaving (ending the conversation,
 *    or staying silent for the inactivity window). Small talk ("gracias", "adiós") is not asking more.
 * 4. `unresolved`: never handed over, and it ended on a fallback (the bot said it had no answer) or on an answer the
 *    customer said did not help, with nothing answered after it.
 * 5. `abandoned`: never handed over, and the customer left without an answer to their last question: they asked
 *    nothing (only greetings), or left while the bot was asking which of several articles they meant.
 *
 * "Last" is what the customer heard last about a question, so a conversation that had an answer and then a fallback
 * is `unresolved`, and one with a "no me sirvió" followed by a better answer is `resolved_by_bot`.
 */
export type OutcomeName = 'resolved_by_bot' | 'escalated' | 'resolved_by_agent' | 'abandoned' | 'unresolved';

export const OUTCOME_NAMES: readonly OutcomeName[] = ['resolved_by_bot', 'resolved_by_agent', 'escalated', 'unresolved', 'abandoned'];

/** Where the customer's latest question stands, from the bot's last substantive reply or the customer's verdict. */
export type LastStep = 'none' | 'answer' | 'helped' | 'not_helped' | 'clarify' | 'fallback';

/** The latest handoff of the conversation: still with the team, or closed by them. */
export type HandoffState =
  | { status: 'open' }
  | { status: 'resolved' | 'returned'; closedAt: string };

export interface OutcomeFacts {
  lastStep: LastStep;
  /** When the last step happened: the answer, or the customer's verdict. */
  lastStepAt?: string;
  handoff?: HandoffState;
}

export interface DecidedOutcome {
  outcome: OutcomeName;
  /** When it was resolved (resolved outcomes only): the helpful answer or verdict, or the team's closing the case. */
  resolvedAt?: string;
}

export function decideOutcome(facts: OutcomeFacts): DecidedOutcome {
  const { handoff } = facts;
  if (handoff?.status === 'open') return { outcome: 'escalated' };
  if (handoff) return { outcome: 'resolved_by_agent', resolvedAt: handoff.closedAt };
  switch (facts.lastStep) {
    case 'helped':
    case 'answer':
      return { outcome: 'resolved_by_bot', ...(facts.lastStepAt && { resolvedAt: facts.lastStepAt }) };
    case 'fallback':
    case 'not_helped':
      return { outcome: 'unresolved' };
    case 'clarify':
    case 'none':
      return { outcome: 'abandoned' };
  }
}

/** A survey answer that says the help worked: CSAT 4-5, CES 5-7. */
export function positiveSurvey(kind: 'csat' | 'ces', score: number): boolean {
  return kind === 'csat' ? score >= 4 : score >= 5;
}
