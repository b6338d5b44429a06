import { z } from 'zod';
import { DEFAULT_MESSAGES, MESSAGE_KEYS, type MessageKey } from '../dialogue/messages.js';
import { parseSpan } from '../handoff/hours.js';
import { reportsConfigSchema, surveysConfigSchema } from '../outcomes/config.js';
import { privacyConfigSchema } from '../privacy/config.js';
import { isTimeZone, WEEKDAYS } from '../util/zoned-time.js';

const unit = (what = 'a number between 0 and 1') =>
  z.number({ error: what }).min(0, { error: what }).max(1, { error: what });
const positiveInt = (what: string) => z.number({ error: what }).int({ error: what }).positive({ error: what });
const localeCode = z.string().regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, { error: 'a language code such as "es" or "en"' });

/** Every setting Escucha reads, with defaults that run the bundled help center on one machine. */
export const configSchema = z.strictObject({
  company: z.strictObject({
    name: z.string().min(1).default('Nubo'),
    /** Where citations link to; empty means the built-in help center at /help. */
    helpCenterUrl: z.url({ error: 'an absolute URL such as "https://help.example.com"' }).optional(),
  }).prefault({}),
  locales: z.strictObject({
    default: localeCode.default('es'),
    supported: z.array(localeCode).min(1).default(['es', 'en']),
  }).prefault({}),
  knowledge: z.strictObject({
    dir: z.string().min(1).default('knowledge'),
    maxFileBytes: positiveInt('a whole number of bytes greater than 0').default(1_000_000),
    chunkMaxChars: positiveInt('a whole number of characters greater than 0').default(1200),
  }).prefault({}),
  data: z.strictObject({
    dir: z.string().min(1).default('data'),
  }).prefault({}),
  retrieval: z.strictObject({
    embedder: z.strictObject({
      /**
       * `bundled` (default): the models that ship with Escucha, used together: its own Spanish + English model
       * (models/escucha-bilingual) and the English Universal Sentence Encoder lite; `escucha-bilingual` or
       * `use-lite` alone; `transformers` adds `model`, loaded with transformers.js, to the `fallback` models;
       * `none` serves lexical search only.
       */
      provider: z.enum(['bundled', 'escucha-bilingual', 'use-lite', 'transformers', 'none']).default('bundled'),
      /** With `transformers`: the shipped models it adds to, and what runs when it cannot be loaded (`none`: lexical). */
      fallback: z.enum(['bundled', 'escucha-bilingual', 'use-lite', 'none']).default('bundled'),
      /** Folder of Escucha's bilingual model; default: the one that ships (models/escucha-bilingual). */
      bilingualDir: z.string().min(1).optional(),
      model: z.string().min(1).default('Xenova/multilingual-e5-small'),
      /** Local folder holding `<org>/<name>/{config.json, tokenizer.json, onnx/model_quantized.onnx}`. */
      modelsDir: z.string().min(1).default('models'),
      /** Download from the model hub when the model is not in modelsDir (needs network). */
      allowRemote: z.boolean({ error: 'true or false' }).default(false),
      quantized: z.boolean({ error: 'true or false' }).default(true),
      /** Prefixes some models were trained with; default: "query: " / "passage: " for E5 models, none otherwise. */
      queryPrefix: z.string().optional(),
      passagePrefix: z.string().optional(),
      batchSize: positiveInt('a whole number greater than 0').default(16),
    }).prefault({}),
    /** Weight of the semantic score in the fused score; the lexical score gets the rest (used when `ranker` is off). */
    denseWeight: unit().default(0.45),
    /**
     * Learn a ranker from the knowledge base's own titles and alternate questions when it is indexed (a few
     * seconds): it ranks topics and calibrates the confidence by cross-validation. `false` keeps the fixed blend.
     */
    ranker: z.boolean({ error: 'true or false' }).default(true),
  }).prefault({}),
  dialogue: z.strictObject({
    thresholds: z.strictObject({
      answer: unit().default(0.45),
      clarify: unit().default(0.25),
      margin: unit().default(0.03),
    }).prefault({}),
    /** Longest answer text in a chat bubble; the full article is one link away. */
    maxReplyChars: positiveInt('a whole number greater than 0').default(700),
    /** A conversation silent this long starts afresh. */
    inactivityMinutes: positiveInt('a whole number of minutes greater than 0').default(30),
    /** Overrides of the shipped message catalogues, per language: `{ es: { fallback: '...' } }`. */
    messages: z.record(z.string(), z.strictObject(
      Object.fromEntries(MESSAGE_KEYS.map((key) => [key, z.string().min(1).optional()])) as Record<MessageKey, z.ZodOptional<z.ZodString>>,
    )).default({}),
  }).prefault({}),
  emotion: z.strictObject({
    /** The conversation's frustration, 0..1, at which the bot hands the customer to a person. */
    handoffLevel: unit().default(0.7),
    /** From this level the bot keeps answers short, apologises where it failed and offers a person outright. */
    mildLevel: unit().default(0.3),
    /** Frustration that keeps rising over `window` messages, by `minRise` or more, hands off from `level` on. */
    rising: z.strictObject({
      window: positiveInt('a whole number of messages greater than 0').default(4),
      minRise: unit().default(0.2),
      level: unit().default(0.4),
    }).prefault({}),
    /** Operator word lists merged into the shipped ones, per language: `{ es: 'emotion/es.json' }`. */
    lexicons: z.record(z.string(), z.string().min(1)).default({}),
  }).prefault({}),
  handoff: z.strictObject({
    /** Answers in a row that did not help (or found nothing) before a person takes over. */
    afterFailures: positiveInt('a whole number greater than 0').default(2),
    /** What the customer is told to expect while the team is in. */
    expectedWaitMinutes: positiveInt('a whole number of minutes greater than 0').default(15),
    /** When a person can answer; absent means always. Outside them the customer is told when, and waits in the queue. */
    hours: z.strictObject({
      timeZone: z.string().refine(isTimeZone, { error: 'a time zone such as "Europe/Madrid"' }),
      week: z.partialRecord(z.enum(WEEKDAYS), z.array(z.string().refine((span) => !!parseSpan(span), {
        error: 'opening hours such as "09:00-20:00"',
      }))),
      holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'a date such as "2026-12-25"' })).default([]),
    }).optional(),
  }).prefault({}),
  surveys: surveysConfigSchema,
  reports: reportsConfigSchema,
  privacy: privacyConfigSchema,
  server: z.strictObject({
    port: z.number({ error: 'a port number between 0 and 65535' }).int({ error: 'a port number between 0 and 65535' })
      .min(0, { error: 'a port number between 0 and 65535' }).max(65535, { error: 'a port number between 0 and 65535' })
      .default(3978),
    host: z.string().min(1).default('0.0.0.0'),
    /** Largest request body accepted, in bytes (a chat message is a few hundred). */
    bodyLimitBytes: positiveInt('a whole number of bytes greater than 0').default(65_536),
    /** Messages per minute one client may send to the chat endpoints (REST, Direct Line, Bot Framework). */
    rateLimitPerMinute: positiveInt('a whole number greater than 0').default(60),
    /**
     * Behind a reverse proxy (TLS, a load balancer): trust its X-Forwarded-For/-Proto headers, so that rate limits
     * count each client and links come out as https. Only when the proxy is the only way in.
     */
    trustProxy: z.boolean({ error: 'true or false' }).default(false),
    /** Other sites allowed to call the chat API from a browser (an embedded web chat), e.g. "https://www.nubo.example". */
    corsOrigins: z.array(z.url({ error: 'an origin such as "https://www.example.com"' })).default([]),
  }).prefault({}),
  /**
   * People who may use the agent console and the dashboard, each with a bearer token (at least 24 characters; keep
   * them out of the file with ESCUCHA_AGENT_TOKEN, which adds an agent "agent").
   */
  agents: z.array(z.strictObject({
    id: z.string().regex(/^[\w.@-]{1,64}$/, { error: 'letters, digits, ".", "@", "_" or "-" (at most 64)' }),
    name: z.string().min(1).optional(),
    token: z.string().min(24, { error: 'a token of at least 24 characters' }),
    /** `lead` may also read the dashboard and reports. */
    role: z.enum(['agent', 'lead']).default('agent'),
  })).default([]),
  secrets: z.strictObject({
    microsoftAppId: z.string().optional(),
    microsoftAppPassword: z.string().optional(),
    microsoftAppTenantId: z.string().optional(),
    agentToken: z.string().optional(),
  }).prefault({}),
}).superRefine((config, ctx) => {
  if (!config.locales.supported.includes(config.locales.default)) {
    ctx.addIssue({
      code: 'custom', path: ['locales', 'default'], input: config.locales.default,
      message: `one of locales.supported (${config.locales.supported.map((l) => JSON.stringify(l)).join(', ')})`,
    });
  }
  for (const locale of config.locales.supported) {
    if (DEFAULT_MESSAGES[locale]) continue;
    const given = config.dialogue.messages[locale] ?? {};
    const missing = MESSAGE_KEYS.filter((key) => !given[key]);
    if (missing.length) {
      ctx.addIssue({
        code: 'custom', path: ['dialogue', 'messages', locale], input: given,
        message: `every message for "${locale}" (no catalogue ships for it; missing: ${missing.join(', ')})`,
      });
    }
  }
  if (config.dialogue.thresholds.clarify > config.dialogue.thresholds.answer) {
    ctx.addIssue({
      code: 'custom', path: ['dialogue', 'thresholds', 'clarify'], input: config.dialogue.thresholds.clarify,
      message: `a number no greater than dialogue.thresholds.answer (${config.dialogue.thresholds.answer})`,
    });
  }
});

/** What a `bot.config.ts` may contain: every key optional. */
export type ConfigInput = z.input<typeof configSchema>;
/** The validated configuration, with defaults filled in and paths made absolute. */
export type Config = z.output<typeof configSchema> & { root: string };

/** Lists the keys a config object accepts at `path`, for did-you-mean hints. */
export function configKeysAt(path: readonly PropertyKey[]): string[] {
  let node: unknown = configSchema;
  for (const part of [...path, null]) {
    node = unwrap(node);
    const shape = (node as { def?: { shape?: Record<string, unknown> } }).def?.shape;
    if (!shape) return [];
    if (part === null) return Object.keys(shape);
    node = shape[String(part)];
  }
  return [];
}

function unwrap(node: unknown): unknown {
  let current = node as { def?: { type?: string; innerType?: unknown; in?: unknown; schema?: unknown } } | undefined;
  for (let guard = 0; current?.def && guard < 10; guard++) {
    const def = current.def;
    if (def.innerType) current = def.innerType as typeof current;
    else if (def.type === 'pipe' && def.in) current = def.in as typeof current;
    else break;
  }
  return current;
}
