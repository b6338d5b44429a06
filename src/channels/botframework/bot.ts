import { ActivityHandler, TurnContext, type Activity, type ConversationReference } from 'botbuilder';
import type { Reply } from '../../dialogue/render.js';
import type { TurnInput, TurnResult } from '../../dialogue/types.js';
import { replyActivity, type ReplyLabels } from './replies.js';

/** What the bot needs from the dialogue engine: it decides everything; the bot only translates. */
export interface ConversationEngine {
  handle(input: TurnInput): Promise<TurnResult>;
  welcome(locale?: string): Reply;
  labels(locale: string): ReplyLabels;
}

/** Where the bot keeps how to reach a conversation later (an agent's reply, the bot resuming). */
export interface ReferenceSink {
  save(conversationId: string, reference: Partial<ConversationReference>, linkBase: string | undefined): void;
}

/** The turn-state key of the absolute origin relative links are resolved against (set by whoever runs the turn). */
export const LINK_BASE = Symbol('escucha.linkBase');

/** One engine conversation per channel conversation: a Teams chat and a Slack chat never share an id. */
export const conversationKey = (activity: Pick<Activity, 'channelId' | 'conversation'>) =>
  `${activity.channelId}:${activity.conversation.id}`;

export interface EscuchaBotOptions {
  /** Read at each turn: the engine exists once the server has started. */
  engine: () => ConversationEngine;
  /** The engine's name for the channel (`botframework`, `directline`): deliveries are routed by it. */
  channel: string;
  references?: ReferenceSink;
}

/**
 * The bot of the Bot Framework samples' shape (the activity handler; the adapter and the HTTP route are elsewhere):
 * a message becomes one engine turn and its replies become messages; a member joining gets the welcome.
 */
export class EscuchaBot extends ActivityHandler {
  constructor(private readonly options: EscuchaBotOptions) {
    super();
    this.onMessage(async (context, next) => {
      await this.answer(context);
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      const { activity } = context;
      // Once per activity, and not for the bot itself joining.
      if (activity.membersAdded?.some((member) => member.id !== activity.recipient?.id)) {
        const engine = this.options.engine();
        await send(context, [engine.welcome(activity.locale)], engine.labels(activity.locale ?? ''), activity.locale);
      }
      await next();
    });
  }

  /** Sends what no request of the customer is waiting for (an agent's reply, the bot resuming) in a proactive turn. */
  async deliver(context: TurnContext, replies: Reply[], locale: string | undefined): Promise<void> {
    await send(context, replies, this.options.engine().labels(locale ?? ''), locale);
  }

  private async answer(context: TurnContext): Promise<void> {
    const { activity } = context;
    const engine = this.options.engine();
    const conversationId = conversationKey(activity);
    const turn = await engine.handle({
      conversationId, text: activity.text ?? '', channel: this.options.channel,
      ...(activity.from?.id && { customerId: activity.from.id }),
      ...(activity.locale && { locale: activity.locale }),
    });
    // After the turn: the conversation now exists in the store, and the reference belongs to it.
    this.options.references?.save(conversationId, TurnContext.getConversationReference(activity), linkBaseOf(context));
    await send(context, turn.replies, engine.labels(turn.locale), turn.locale);
  }
}

async function send(context: TurnContext, replies: Reply[], labels: ReplyLabels, locale: string | undefined): Promise<void> {
  if (!replies.length) return;
  const linkBase = linkBaseOf(context);
  await context.sendActivities(replies.map((reply) => replyActivity(reply, labels, {
    ...(locale && { locale }), ...(linkBase && { linkBase }),
  })));
}

const linkBaseOf = (context: TurnContext): string | undefined => context.turnState.get(LINK_BASE);
