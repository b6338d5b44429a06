import { ActionTypes, ActivityTypes, MessageFactory, type Activity } from 'botbuilder';
import { renderReply, type Reply } from '../../dialogue/render.js';

export type ReplyLabels = Parameters<typeof renderReply>[2];

/**
 * A reply as a Bot Framework message: Markdown (which Teams and Web Chat render), with the reply's options as
 * suggested actions, buttons that send their value back as the customer's message. Relative links (the built-in
 * help center's `/help/...`) become absolute on `linkBase`, since a channel's client is not on this server.
 */
export function replyActivity(reply: Reply, labels: ReplyLabels, { locale, linkBase }: { locale?: string; linkBase?: string } = {}): Partial<Activity> {
  const text = absoluteLinks(renderReply(reply, 'markdown', labels, { optionsAsButtons: true }), linkBase);
  const activity = reply.options?.length
    ? MessageFactory.suggestedActions(reply.options.map((o) => ({ type: ActionTypes.ImBack, title: o.label, value: o.value })), text)
    : MessageFactory.text(text);
  return { ...activity, type: ActivityTypes.Message, textFormat: 'markdown', ...(locale && { locale }) };
}

/** `](/help/x)` → `](https://bot.example/help/x)`; protocol-relative (`//host`) and absolute links are left alone. */
export function absoluteLinks(markdown: string, linkBase: string | undefined): string {
  if (!linkBase) return markdown;
  const base = linkBase.replace(/\/+$/, '');
  return markdown.replace(/\]\(\/(?!\/)/g, `](${base}/`);
}
