import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from './helpers.js';

/**
 * The layering the issue asks for: SQLite (better-sqlite3) is an implementation detail of src/store, behind
 * repository interfaces that the domain modules own, so another database can be added later without touching them.
 * And no two source files depend on each other, directly or through others: the store imports the domain's types,
 * never the other way.
 *
 * Imports are read with the TypeScript parser from every src/**\/*.ts: `import` and `export ... from` declarations,
 * dynamic `import('...')` and `require('...')` with a literal name, and `import('...')` types. All of them count for
 * better-sqlite3 (a `Database` type outside the store is the store leaking), and for the cycles: a cycle of types
 * alone loads fine, but it still ties two modules together. Folders are checked as well as files: the pipeline's
 * folders (knowledge, retrieval, dialogue, outcomes...; config and the CLI and server that compose them on top)
 * depend on each other one way.
 */

const SRC = path.join(PROJECT_ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

interface Import { name: string; typeOnly: boolean }

/** Every module a file imports, as written, and whether only types are imported (erased when compiled). */
function importsOf(fileName: string, text: string): Import[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found: Import[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({ name: node.moduleSpecifier.text, typeOnly: Boolean(node.importClause?.isTypeOnly) });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({ name: node.moduleSpecifier.text, typeOnly: node.isTypeOnly });
    } else if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteralLike(node.arguments[0]!)
      && (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require'))) {
      found.push({ name: node.arguments[0].text, typeOnly: false });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push({ name: node.argument.literal.text, typeOnly: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The file a relative import names (`./x.js` is `./x.ts` in the sources), or undefined for a package. */
function resolveRelative(from: string, name: string, files: ReadonlySet<string>): string | undefined {
  if (!name.startsWith('.')) return undefined;
  const target = path.resolve(path.dirname(from), name);
  const candidates = [target.replace(/\.js$/, '.ts'), target, `${target}.ts`, path.join(target, 'index.ts')];
  return candidates.find((c) => files.has(c));
}

/** The file-level graph of the relative imports that load a module (type-only imports left out). */
function importGraph(files: readonly string[], read: (file: string) => string): Map<string, string[]> {
  const known = new Set(files);
  return new Map(files.map((file) => [
    file,
    [...new Set(importsOf(file, read(file)).flatMap((i) => resolveRelative(file, i.name, known) ?? []))],
  ]));
}

/** The same graph between the folders of src/ (a file directly in src/ is its own node). */
function folderGraph(files: ReadonlyMap<string, readonly string[]>): Map<string, string[]> {
  const folderOf = (file: string) => path.relative(SRC, file).split(path.sep)[0]!;
  const graph = new Map<string, Set<string>>();
  for (const [file, imports] of files) {
    const from = folderOf(file);
    const targets = graph.get(from) ?? new Set<string>();
    graph.set(from, targets);
    for (const target of imports) if (folderOf(target) !== from) targets.add(folderOf(target));
  }
  return new Map([...graph].map(([folder, targets]) => [folder, [...targets]]));
}

/** One cycle of the graph (its files, the first repeated at the end), or undefined when there is none. */
function findCycle(graph: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): string[] | undefined => {
    state.set(file, 'visiting');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'visiting') return [...stack.slice(stack.indexOf(next)), next];
      if (!state.has(next)) {
        const found = visit(next);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(file, 'done');
    return undefined;
  };
  for (const file of [...graph.keys()].sort()) {
    if (state.has(file)) continue;
    const found = visit(file);
    if (found) return found;
  }
  return undefined;
}

const relative = (file: string) => path.relative(PROJECT_ROOT, file).split(path.sep).join('/');

describe('architecture', () => {
  const files = sourceFiles(SRC).sort();
  const texts = new Map(files.map((file) => [file, readFileSync(file, 'utf8')]));
  const read = (file: string) => texts.get(file)!;

  it('reads the imports of every kind', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(importsOf('x.ts', [
      "import a from 'a';", "import type { B } from './b.js';", "import {\n  c,\n  type D,\n} from '../c.js';",
      "export { e } from './e.js';", "export * from './f.js';", "import './g.js';",
      "const h = await import('h');", "const i = require('i');", "let j: import('./j.js').J;",
      "export type { K } from './k.js';",
    ].join('\n')).map((i) => `${i.name}${i.typeOnly ? ' (type)' : ''}`)).toEqual([
      'a', './b.js (type)', '../c.js', './e.js', './f.js', './g.js', 'h', 'i', './j.js (type)', './k.js (type)',
    ]);
  });

  it('only src/store uses better-sqlite3: everything else goes through repository interfaces', () => {
    const store = path.join(SRC, 'store') + path.sep;
    const offenders = files.filter((file) => !file.startsWith(store) && importsOf(file, read(file)).some((i) => i.name === 'better-sqlite3'));
    expect(offenders.map(relative)).toEqual([]);
  });

  it('has no import cycle between source files, types included', () => {
    expect(findCycle(importGraph(files, read))?.map(relative)).toBeUndefined();
  });

  it('has no import cycle between the folders of the pipeline', () => {
    const folders = folderGraph(importGraph(files, read));
    expect(findCycle(folders)).toBeUndefined();
    // The data flows one way: knowledge before retrieval before dialogue before outcomes.
    expect(folders.get('knowledge')).not.toContain('retrieval');
    expect(folders.get('retrieval')).not.toContain('dialogue');
    expect(folders.get('dialogue')).not.toContain('outcomes');
  });

  it('finds a cycle when there is one', () => {
    const graph = new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]);
    expect(findCycle(graph)).toEqual(['a', 'b', 'c', 'a']);
    expect(findCycle(new Map([['a', ['b']], ['b', []], ['c', ['a', 'b']]]))).toBeUndefined();
  });
});
