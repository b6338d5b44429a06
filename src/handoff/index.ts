export { HandoffDesk, DeskError, type ConversationControl, type DeskEvent, type DeskOptions, type QueueItem } from './desk.js';
export { availability, parseSpan, type BusinessHours } from './hours.js';
export { initialPriority, currentPriority, priorityLabel, type PriorityLabel } from './priority.js';
export { summarize } from './summary.js';
export type { Handoff, HandoffMessage, HandoffRepository, HandoffStatus, HandoffSummary } from './types.js';
