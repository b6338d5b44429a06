export type ArticleType = 'faq' | 'article' | 'forum';
export type ArticleStatus = 'published' | 'draft';
export type Severity = 'error' | 'warning';

/** One problem in one file, at a line a writer can jump to. */
export interface Diagnostic {
  /** Path relative to the knowledge folder, with `/` separators. */
  path: string;
  /** Absolute path of the file. */
  file: string;
  /** 1-based line in the file. */
  line: number;
  severity: Severity;
  /** Stable machine-readable name of the check, e.g. `duplicate-id`. */
  code: string;
  message: string;
  /** True when this problem kept the whole file from being served. */
  skipsFile: boolean;
}

export interface Block { markdown: string; text: string }

/** A part of an article under one heading (or the introduction before the first heading). */
export interface Section {
  /** Slug of the heading, unique in the article; empty for the introduction. */
  anchor: string;
  /** The heading's text; the article title for the introduction. */
  heading: string;
  /** Headings from the top of the article down to this one. */
  headingPath: string[];
  /** Markdown of the section's body (without its heading), HTML removed, article links rewritten to `kb://id#anchor`. */
  markdown: string;
  /** The same content as plain text, for search. */
  text: string;
  /** Each top-level block (paragraph, whole list, whole table, whole code block): chunks never split one. */
  blocks: Block[];
  /** 1-based line of the heading (of the first body line for the introduction). */
  line: number;
}

export interface ForumAnswer {
  author: string;
  votes: number;
  accepted: boolean;
  line: number;
  section: Section;
}

export interface ForumThread {
  answers: ForumAnswer[];
  /** The one answer served: the accepted one, else the best voted. */
  served: ForumAnswer;
  servedBecause: 'accepted' | 'votes';
}

export interface ArticleLink {
  /** The link as written. */
  href: string;
  line: number;
  /** Path of the target file relative to the knowledge folder; undefined for in-page anchors. */
  targetPath?: string;
  anchor?: string;
  /** Filled when resolved: the target article id. */
  targetId?: string;
}

export interface Article {
  id: string;
  title: string;
  type: ArticleType;
  locale: string;
  topic?: string;
  questions: string[];
  tags: string[];
  product?: string;
  audience?: string;
  status: ArticleStatus;
  related: string[];
  escalate: boolean;
  updated?: string;
  owner?: string;
  author?: string;
  /** Path relative to the knowledge folder, with `/` separators. */
  path: string;
  file: string;
  /** Sections served: for a forum thread, the original post then the served answer only. */
  sections: Section[];
  forum?: ForumThread;
  links: ArticleLink[];
  /** Line of each front-matter key, for messages. */
  keyLines: Record<string, number>;
  /** sha256 of the file's bytes: unchanged files are never re-processed downstream. */
  hash: string;
}
