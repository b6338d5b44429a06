import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadKnowledge, type KnowledgeBase } from '../../src/knowledge/index.js';
import { Retriever } from '../../src/retrieval/index.js';
import { LOCALES, PROJECT_ROOT } from '../helpers.js';

let kb: KnowledgeBase;
beforeAll(async () => {
  kb = await loadKnowledge({ dir: path.join(PROJECT_ROOT, 'knowledge'), locales: LOCALES, maxFileBytes: 1_000_000 });
});

describe('the bundled sample help center', () => {
  it('lints clean', () => {
    expect(kb.diagnostics.map((d) => `${d.path}:${d.line}: ${d.message}`)).toEqual([]);
  });

  it('is a real help center: 40+ articles in Spanish and English, how-tos with steps, FAQs with alternate questions', () => {
    expect(kb.published.length).toBeGreaterThanOrEqual(40);
    const byLocale = (l: string) => kb.published.filter((a) => a.locale === l).length;
    expect(byLocale('es')).toBeGreaterThanOrEqual(18);
    expect(byLocale('en')).toBeGreaterThanOrEqual(18);
    const faqs = kb.published.filter((a) => a.type === 'faq');
    expect(faqs.every((a) => a.questions.length >= 3)).toBe(true);
    const howTos = kb.published.filter((a) => a.type === 'article');
    expect(howTos.filter((a) => a.sections.some((s) => /^1\. /m.test(s.markdown))).length).toBeGreaterThanOrEqual(10);
    // Most topics exist in both languages.
    const topics = new Map<string, Set<string>>();
    for (const a of kb.published) if (a.topic) topics.set(a.topic, (topics.get(a.topic) ?? new Set()).add(a.locale));
    expect([...topics.values()].filter((l) => l.size === 2).length).toBeGreaterThanOrEqual(15);
  });

  it('has 8+ forum threads, each serving one answer', () => {
    const threads = kb.published.filter((a) => a.type === 'forum');
    expect(threads.length).toBeGreaterThanOrEqual(8);
    for (const t of threads) {
      expect(t.forum!.answers.length).toBeGreaterThanOrEqual(2);
      expect(t.sections).toContain(t.forum!.served.section);
    }
    expect(threads.filter((t) => t.forum!.servedBecause === 'accepted').length).toBeGreaterThanOrEqual(8);
  });

  it('marks drafts and topics that must reach a person', () => {
    expect(kb.articles.filter((a) => a.status === 'draft').length).toBeGreaterThanOrEqual(2);
    const escalated = kb.published.filter((a) => a.escalate).map((a) => a.topic);
    for (const topic of ['billing-dispute', 'delete-account', 'gdpr-data-request']) expect(escalated).toContain(topic);
  });

  it('links articles to each other', () => {
    const resolved = kb.published.flatMap((a) => a.links.filter((l) => l.targetId));
    expect(resolved.length).toBeGreaterThanOrEqual(10);
    expect(kb.published.filter((a) => a.related.length).length).toBeGreaterThanOrEqual(20);
  });

  it('answers the classic Spanish question from the Spanish article', async () => {
    const { hits } = await new Retriever(kb).search('¿cómo cambio mi contraseña?', { locale: 'es' });
    expect(hits[0]!.article.topic).toBe('change-password');
    expect(hits[0]!.article.locale).toBe('es');
    expect(hits[0]!.section.text).toMatch(/contraseña/i);
  });
});
