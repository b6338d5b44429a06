import { setTimeout as sleep } from 'node:timers/promises';
import {
  ActivityTypes, BotAdapter, TurnContext, type Activity, type ChannelAccount, type ConversationReference, type ResourceResponse,
} from 'botbuilder';
import { LINK_BASE } from '../botframework/bot.js';
import type { DirectLineConversation, DirectLineConversations } from './conversations.js';

/** The longest `delay` activity honoured: a bot's pause must not hold a customer's request for long. */
const MAX_DELAY_MS = 2_000;

/**
 * A Bot Framework adapter whose channel is this server's own Direct Line: the bot runs in process on the customer's
 * activities, and what it sends is appended to the conversation's activities, where the customer's Web Chat polls.
 * No Azure and no HTTP round trip to itself, so it works the same with or without a Microsoft app id.
 */
export class DirectLineAdapter extends BotAdapter {
  constructor(private readonly conversations: DirectLineConversations, readonly botAccount: ChannelAccount) {
    super();
  }

  /** Runs the bot on an activity of the conversation (already stored when it is the customer's). */
  async receive(conversation: DirectLineConversation, activity: Partial<Activity>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    const context = new TurnContext(this, {
      ...activity, channelId: 'directline', conversation: { id: conversation.id } as Activity['conversation'], recipient: this.botAccount,
      ...(conversation.linkBase && { serviceUrl: conversation.linkBase }),
    });
    context.turnState.set(LINK_BASE, conversation.linkBase);
    await this.runMiddleware(context, logic);
  }

  /** The reference a proactive turn (an agent's reply) continues. */
  referenceOf(conversation: DirectLineConversation): Partial<ConversationReference> {
    return {
      channelId: 'directline', conversation: { id: conversation.id } as ConversationReference['conversation'],
      bot: this.botAccount, user: { id: conversation.userId, name: '' },
      ...(conversation.locale && { locale: conversation.locale }),
      ...(conversation.linkBase && { serviceUrl: conversation.linkBase }),
    };
  }

  async sendActivities(_context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const responses: ResourceResponse[] = [];
    for (const activity of activities) {
      if (activity.type === 'delay') {
        await sleep(Math.min(Number(activity.value) || 0, MAX_DELAY_MS));
        responses.push({ id: '' });
        continue;
      }
      if (activity.type === ActivityTypes.InvokeResponse) {
        responses.push({ id: '' });
        continue;
      }
      const conversation = this.conversations.get(activity.conversation?.id ?? '');
      if (!conversation) throw new Error('the Direct Line conversation has expired');
      const stored = this.conversations.append(conversation, { ...activity, from: this.botAccount });
      responses.push({ id: stored.id });
    }
    return responses;
  }

  async updateActivity(): Promise<void> {
    throw new Error('this Direct Line does not update activities');
  }

  async deleteActivity(): Promise<void> {
    throw new Error('this Direct Line does not delete activities');
  }

  async continueConversation(reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    const activity = TurnContext.applyConversationReference({ type: ActivityTypes.Event, name: 'continueConversation' }, reference, true);
    const context = new TurnContext(this, activity);
    context.turnState.set(LINK_BASE, reference.serviceUrl);
    await this.runMiddleware(context, logic);
  }
}
