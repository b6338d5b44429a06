import { detectLanguage } from './language.js';
import { buildCatalogs, type MessageCatalog } from './messages.js';
import type { EngineOptions } from './options.js';

/** The languages the bot speaks, and what it says in each. */
export class Locales {
  private readonly catalogs: Map<string, MessageCatalog>;

  constructor(private readonly options: Pick<EngineOptions, 'locales' | 'messages'>) {
    this.catalogs = buildCatalogs(options.messages);
  }

  /** The channel's language when supported, else the default. */
  starting(locale: string | undefined): string {
    return this.supported(locale) ?? this.options.locales.default;
  }

  /** The message's language when it shows one, else the conversation's: a customer may switch mid-conversation. */
  languageOf(text: string, current: string): string {
    return detectLanguage(text, this.options.locales.supported)?.locale ?? current;
  }

  catalogFor(locale: string): MessageCatalog {
    return this.catalogs.get(locale) ?? this.catalogs.get(this.options.locales.default)!;
  }

  /** `es-ES` → `es` when supported. */
  private supported(locale: string | undefined): string | undefined {
    const base = locale?.toLowerCase().split(/[-_]/)[0];
    return base && this.options.locales.supported.includes(base) ? base : undefined;
  }
}
