/**
 * Everything the bot says, per language. Operators override any message in `bot.config.ts`
 * (`dialogue.messages.es.fallback = '...'`); `{name}` placeholders are filled in by the engine.
 */
export const MESSAGE_KEYS = [
  'welcome', 'hello', 'greeting', 'thanks', 'goodbye', 'identity', 'howAreYou', 'insult',
  'askHelpful', 'yes', 'no', 'helpfulThanks', 'notHelpfulNext', 'notHelpfulNoMore',
  'clarify', 'clarifyOne', 'clarifyHint', 'fallback', 'fallbackHint', 'related', 'readMore',
  'handoffAsked', 'handoffEscalate', 'handoffFailures', 'handoffFrustrated', 'handoffNextOpen', 'handoffNextClosed',
  'handoffNoHours', 'whenToday', 'whenTomorrow', 'whenWeekday', 'handoffWaiting', 'backFromAgent',
  'apology', 'offerPerson', 'surveyCsat', 'surveyCes', 'surveyComment', 'surveyThanks', 'surveyHint', 'emptyMessage',
] as const;

export type MessageKey = (typeof MESSAGE_KEYS)[number];
export type MessageCatalog = Record<MessageKey, string>;

const es: MessageCatalog = {
  welcome: 'Hola, soy el asistente de {company}. Cuéntame qué necesitas y busco la respuesta en nuestra ayuda.',
  hello: '¡Hola!',
  greeting: '¡Hola! ¿En qué te puedo ayudar?',
  thanks: '¡A ti! Si necesitas algo más, aquí estoy.',
  goodbye: '¡Hasta pronto! Que tengas un buen día.',
  identity: 'Soy el asistente virtual de {company}: respondo con los artículos de nuestra ayuda y, si hace falta, te paso con una persona del equipo.',
  howAreYou: '¡Muy bien, gracias! ¿En qué te puedo ayudar?',
  insult: 'Entiendo que esto puede ser frustrante. Quiero ayudarte: cuéntame qué ha pasado o, si prefieres, te paso con una persona del equipo.',
  askHelpful: '¿Te sirvió?',
  yes: 'Sí',
  no: 'No',
  helpfulThanks: '¡Me alegro! ¿Te ayudo con algo más?',
  notHelpfulNext: 'Vaya, siento que no te sirviera. Quizá esto encaje mejor:',
  notHelpfulNoMore: 'Siento no haber dado con la respuesta.',
  clarify: 'Encontré varias respuestas posibles. ¿Cuál se parece más a lo que buscas?',
  clarifyOne: 'No estoy seguro de haberte entendido. ¿Te refieres a esto?',
  clarifyHint: 'Responde con el número o con el nombre.',
  fallback: 'No he encontrado una respuesta a eso en nuestra ayuda, y prefiero no inventarla.',
  fallbackHint: 'Puedes contármelo con otras palabras o, si prefieres, te paso con una persona del equipo.',
  related: 'También te puede servir:',
  readMore: 'Artículo completo: {link}',
  handoffAsked: 'Claro, te paso con una persona del equipo. Verá toda la conversación, así que no tendrás que repetir nada.',
  handoffEscalate: 'Este tema lo gestiona una persona del equipo. Te paso con ella; verá toda la conversación.',
  handoffFailures: 'No he conseguido resolverlo, y no quiero hacerte perder más tiempo. Te paso con una persona del equipo, que verá toda la conversación.',
  handoffFrustrated: 'Entiendo que esto es frustrante. Te paso con una persona del equipo, que ya verá toda la conversación.',
  handoffNextOpen: 'Te escribirá por aquí, normalmente en menos de {minutes} minutos.',
  handoffNextClosed: 'Ahora estamos fuera de horario: te escribirán {when}. Tu caso queda en la cola y no tendrás que repetir nada.',
  handoffNoHours: 'Ahora no hay nadie disponible; tu caso queda en la cola y te escribirán por aquí en cuanto puedan.',
  whenToday: 'hoy a las {time}',
  whenTomorrow: 'mañana a las {time}',
  whenWeekday: 'el {weekday} a las {time}',
  handoffWaiting: 'Ya he avisado al equipo y una persona te escribirá aquí; verá también esto que me cuentas.',
  backFromAgent: 'Vuelvo a estar yo por aquí. ¿Te ayudo con algo más?',
  apology: 'Perdona que no lo haya resuelto antes.',
  offerPerson: 'Si lo prefieres, te paso con una persona del equipo.',
  surveyCsat: 'Antes de que te vayas: ¿cómo calificarías la ayuda recibida, del 1 (muy mal) al 5 (muy bien)?',
  surveyCes: '¿Y qué tan fácil fue resolver tu consulta, del 1 (muy difícil) al 7 (muy fácil)?',
  surveyComment: '¿Quieres contarnos algo más? Es opcional.',
  surveyThanks: '¡Gracias por tu respuesta! Nos ayuda a mejorar.',
  surveyHint: 'Puedes responder con un número o con tus palabras, o escribir «saltar».',
  emptyMessage: '¿En qué te puedo ayudar? Escríbeme tu pregunta.',
};

const en: MessageCatalog = {
  welcome: "Hi, I'm {company}'s assistant. Tell me what you need and I'll look it up in our help center.",
  hello: 'Hi!',
  greeting: 'Hi! How can I help you?',
  thanks: "You're welcome! If you need anything else, I'm here.",
  goodbye: 'Bye for now! Have a good day.',
  identity: "I'm {company}'s virtual assistant: I answer from our help center articles and, when needed, pass you to a person on the team.",
  howAreYou: "I'm well, thanks! How can I help you?",
  insult: "I understand this can be frustrating. I want to help: tell me what happened or, if you prefer, I'll pass you to a person on the team.",
  askHelpful: 'Did this help?',
  yes: 'Yes',
  no: 'No',
  helpfulThanks: 'Glad to hear it! Anything else I can help with?',
  notHelpfulNext: "Sorry that didn't help. This may fit better:",
  notHelpfulNoMore: "Sorry I couldn't find the answer.",
  clarify: 'I found a few possible answers. Which one is closest to what you need?',
  clarifyOne: "I'm not sure I understood. Do you mean this?",
  clarifyHint: 'Reply with the number or the name.',
  fallback: "I couldn't find an answer to that in our help center, and I'd rather not make one up.",
  fallbackHint: "You can tell me in other words or, if you prefer, I'll pass you to a person on the team.",
  related: 'You may also find this useful:',
  readMore: 'Full article: {link}',
  handoffAsked: "Of course, I'm passing you to a person on the team. They will see the whole conversation, so you won't need to repeat anything.",
  handoffEscalate: "A person on the team handles this topic. I'm passing you to them; they will see the whole conversation.",
  handoffFailures: "I haven't managed to solve this, and I don't want to waste more of your time. I'm passing you to a person on the team, who will see the whole conversation.",
  handoffFrustrated: "I understand this is frustrating. I'm passing you to a person on the team, who will see the whole conversation.",
  handoffNextOpen: 'They will write to you here, usually within {minutes} minutes.',
  handoffNextClosed: "We're outside business hours right now: someone will write to you {when}. Your case stays in the queue and you won't need to repeat anything.",
  handoffNoHours: "Nobody is available right now; your case stays in the queue and someone will write to you here as soon as they can.",
  whenToday: 'today at {time}',
  whenTomorrow: 'tomorrow at {time}',
  whenWeekday: 'on {weekday} at {time}',
  handoffWaiting: "I've already let the team know and a person will write to you here; they will see this too.",
  backFromAgent: "I'm back with you. Anything else I can help with?",
  apology: "Sorry I didn't get it right earlier.",
  offerPerson: "If you'd rather, I can pass you to a person on the team.",
  surveyCsat: 'Before you go: how would you rate the help you got, from 1 (very poor) to 5 (very good)?',
  surveyCes: 'And how easy was it to sort out your request, from 1 (very hard) to 7 (very easy)?',
  surveyComment: 'Anything else you would like to tell us? It is optional.',
  surveyThanks: 'Thank you for your answer! It helps us improve.',
  surveyHint: 'Reply with a number or in your own words, or type "skip".',
  emptyMessage: 'How can I help you? Type your question.',
};

export const DEFAULT_MESSAGES: Readonly<Record<string, MessageCatalog>> = { es, en };

export type MessageOverrides = Readonly<Record<string, Partial<Record<MessageKey, string>>>>;

/** The catalogue per language: shipped messages, with the operator's overrides on top. */
export function buildCatalogs(overrides: MessageOverrides = {}): Map<string, MessageCatalog> {
  const catalogs = new Map<string, MessageCatalog>();
  for (const locale of new Set([...Object.keys(DEFAULT_MESSAGES), ...Object.keys(overrides)])) {
    const base = DEFAULT_MESSAGES[locale] ?? DEFAULT_MESSAGES.en!;
    catalogs.set(locale, { ...base, ...overrides[locale] });
  }
  return catalogs;
}

/** Fills `{name}` placeholders; an unknown placeholder is left as written, so a typo shows instead of vanishing. */
export function fill(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}
