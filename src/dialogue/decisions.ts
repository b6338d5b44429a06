/** What the engine did with a customer's message. */
export type Decision = 'answer' | 'clarify' | 'fallback' | 'handoff' | 'smalltalk';

/** Why a conversation went to a person. */
export type HandoffReason = 'asked' | 'escalate' | 'failures' | 'frustration';
