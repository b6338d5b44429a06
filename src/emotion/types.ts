/** What made a message look frustrated. */
export type ReasonKind =
  | 'negativeWords' | 'insult' | 'profanity' | 'shouting' | 'punctuation' | 'repeatedQuestion' | 'botComplaint'
  | 'askedForPerson' | 'threatToLeave' | 'waiting' | 'emoji' | 'sarcasm';

export interface Reason {
  kind: ReasonKind;
  /** The words (or emoji, or punctuation) as the customer wrote them; for repeatedQuestion, the earlier message. */
  match: string;
  /** How much this alone says the customer is frustrated, 0..1, after negation, intensifiers and damping. */
  weight: number;
}

/** What made a message look calm: positive words that are not sarcastic, positive emoji. */
export interface CalmingReason {
  kind: 'positiveWords' | 'emoji';
  match: string;
  /** 0..1: how much it lowers the score; less the stronger the other evidence is. */
  weight: number;
}

export interface MessageScore {
  /** 0 (calm) to 1 (certainly frustrated). */
  score: number;
  reasons: Reason[];
  calming: CalmingReason[];
}
