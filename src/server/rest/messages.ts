import type { KnowledgeBase } from '../../knowledge/index.js';
import { renderReply, type Reply } from '../../dialogue/render.js';
import type { ConversationState, TurnRecord } from '../../dialogue/state.js';
import type { MessageCatalog } from '../../dialogue/messages.js';
import { surveyOptions } from '../../dialogue/survey.js';
import { cursorAfter, encodeCursor, indexesAfter, type Cursor } from './cursor.js';

type Labels = Parameters<typeof renderReply>[2];
type Option = { label: string; value: string };

/**
 * A reply as the REST API sends it: rendered three ways (plain text, safe Markdown, safe HTML) so that no client has
 * to render the engine's Markdown itself, with the options as data (send an option's `value` as the next message).
 */
export interface ClientReply {
  text: string;
  markdown: string;
  html: string;
  citation?: { title: string; url: string };
  options?: Option[];
  hint?: string;
  related?: { title: string; url: string }[];
}

/** One turn of the transcript: what the customer wrote, what the bot said, or what a person of the team wrote. */
export interface ClientMessage extends ClientReply {
  from: 'customer' | 'bot' | 'agent';
  at: string;
  agentId?: string;
}

/** Who has the conversation now. */
export type ConversationStatus = 'bot' | 'waiting' | 'assigned' | 'ended';

export function forClient(reply: Reply, labels: Labels): ClientReply {
  // Options travel as data: clients show them as buttons, so the rendered text does not list them too.
  const render = (format: 'plain' | 'markdown' | 'html') => renderReply(reply, format, labels, { optionsAsButtons: true });
  return {
    text: render('plain'), markdown: render('markdown'), html: render('html'),
    ...(reply.citation && { citation: reply.citation }),
    ...(reply.options?.length && { options: reply.options }),
    ...(reply.hint && { hint: reply.hint }),
    ...(reply.related?.length && { related: reply.related }),
  };
}

export function statusOf(state: ConversationState | undefined): ConversationStatus {
  if (state?.endedAt) return 'ended';
  return state?.handedOff?.status ?? 'bot';
}

export interface TranscriptContext {
  labels: Labels;
  catalog: MessageCatalog;
  knowledge: KnowledgeBase;
}

/**
 * The turns of `state` at `indexes` as messages. The stored transcript keeps the bot's words but not its buttons, so
 * the last bot message gets back the options of what the bot is still waiting for (a survey score, a choice between
 * articles, "did this help?"): a client that reconnects, or polls after an agent handed the customer back, can show
 * them.
 */
export function messagesAt(state: ConversationState, indexes: readonly number[], context: TranscriptContext): ClientMessage[] {
  const lastBot = state.turns.findLastIndex((t) => t.role === 'bot');
  return indexes.map((i) => {
    const turn = state.turns[i]!;
    const options = i === lastBot && i === state.turns.length - 1 ? pendingOptions(state, context) : undefined;
    return messageOf(turn, options, context.labels);
  });
}

function messageOf(turn: TurnRecord, options: Option[] | undefined, labels: Labels): ClientMessage {
  return {
    from: turn.role, at: turn.at, ...(turn.agentId && { agentId: turn.agentId }),
    ...forClient({ text: turn.text, ...(options?.length && { options }) }, labels),
  };
}

function pendingOptions(state: ConversationState, { catalog, knowledge }: TranscriptContext): Option[] | undefined {
  const pending = state.pending;
  if (!pending) return undefined;
  if (pending.kind === 'survey') return pending.step === 'comment' ? undefined : surveyOptions(pending.step, state.locale);
  if (pending.kind === 'feedback') return [{ label: catalog.yes, value: catalog.yes }, { label: catalog.no, value: catalog.no }];
  return pending.options.flatMap((id) => {
    const title = knowledge.byId.get(id)?.title;
    return title ? [{ label: title, value: title }] : [];
  });
}

/** The messages after `cursor`, and the cursor after them (the same one when there are none). */
export function transcriptAfter(state: ConversationState, cursor: Cursor, context: TranscriptContext) {
  const indexes = indexesAfter(state.turns, cursor);
  const last = indexes.at(-1);
  return {
    messages: messagesAt(state, indexes, context),
    cursor: encodeCursor(last === undefined ? cursor : cursorAfter(state.turns, last)),
  };
}
