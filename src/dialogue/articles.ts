import type { Article } from '../knowledge/index.js';
import type { ConversationState } from './state.js';
import type { KnowledgeSearch } from './types.js';

/** The articles the bot may use, looked up in the knowledge the search has: published ones only. */
export class Articles {
  constructor(private readonly search: KnowledgeSearch) {}

  get(id: string): Article | undefined {
    const article = this.search.knowledge.byId.get(id);
    return article && article.status === 'published' ? article : undefined;
  }

  /** The conversation's topic, in the customer's current language when a translation exists. */
  topicOf(state: ConversationState): Article | undefined {
    const article = state.topic && this.get(state.topic.articleId);
    return article && this.inLocale(article, state.locale);
  }

  /** The article's translation in `locale` (articles that translate each other share a `topic`), else itself. */
  inLocale(article: Article, locale: string): Article {
    if (article.locale === locale || !article.topic) return article;
    return this.search.knowledge.published.find((a) => a.topic === article.topic && a.locale === locale) ?? article;
  }
}
