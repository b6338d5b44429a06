import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { captureIO, tempTree } from '../helpers.js';

const run = async (files: Record<string, string | Uint8Array>, ...args: string[]) => {
  const root = tempTree(files);
  const io = captureIO(root);
  const code = await main(['lint', ...args], io);
  return { code, out: io.out(), err: io.err() };
};

describe('escucha lint', () => {
  it('prints path:line: severity: message for each problem and exits 1 on errors', async () => {
    const { code, out, err } = await run({
      'knowledge/en/a.md': '---\ntitle: A\nescalte: true\nrelated: [nope]\n---\nSee [b](b.md).\n',
      'knowledge/en/b.md': '---\ntitle: [unclosed\n---\nText\n',
      'knowledge/es/c.md': '---\nlocale: es\n---\nSin título.\n',
      'knowledge/es/d.md': '---\ntitle: D\n---\nHola <b>mundo</b>.\n',
    });
    expect(code).toBe(1);
    expect(out.split('\n').filter(Boolean).map((l) => l.replace(/: invalid YAML in front matter: .*/, ': invalid YAML in front matter: ...'))).toEqual([
      'knowledge/en/a.md:3: error: unknown front-matter key "escalte" (did you mean "escalate"?)',
      'knowledge/en/a.md:4: error: related id "nope" does not exist',
      'knowledge/en/a.md:6: error: link to b.md: that file has errors and is not served',
      'knowledge/en/b.md:3: error: invalid YAML in front matter: ...',
      'knowledge/es/c.md:1: error: missing title: every article needs `title:` in its front matter; this file is not served',
      'knowledge/es/d.md:4: warning: raw HTML removed (<b>): use Markdown instead',
    ]);
    expect(err).toBe('4 files, 2 published, 0 drafts, 2 not served: 5 errors, 1 warning\n');
  });

  it('exits 0 when there are only warnings', async () => {
    const { code, out } = await run({ 'knowledge/a.md': '---\ntitle: A\n---\nHola <br> mundo.\n' });
    expect(code).toBe(0);
    expect(out).toBe('knowledge/a.md:4: warning: raw HTML removed (<br>): use Markdown instead\n');
  });

  it('lints another folder given as argument, with --json for tools', async () => {
    const { code, out } = await run({ 'other/x.md': '---\ntitle: X\nid: bad id\n---\nText\n' }, 'other', '--json');
    expect(code).toBe(1);
    const report = JSON.parse(out) as { files: number; errors: number; diagnostics: { path: string; line: number; code: string }[] };
    expect(report).toMatchObject({ files: 1, errors: 1, warnings: 0 });
    expect(report.diagnostics).toEqual([expect.objectContaining({ path: 'other/x.md', line: 3, code: 'field-type', severity: 'error' })]);
  });

  it('explains a missing folder, an unknown option and a bad config without a stack trace', async () => {
    const missing = await run({}, 'nowhere');
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/^escucha lint: knowledge folder not found: .*nowhere\n$/);
    const option = await run({ 'knowledge/a.md': '---\ntitle: A\n---\nx\n' }, '--jsno');
    expect(option.code).toBe(2);
    expect(option.err).toContain("Unknown option '--jsno'");
    const config = await run({ 'bot.config.ts': 'export default { locales: { suported: ["es"] } };\n' });
    expect(config.code).toBe(2);
    expect(config.err).toBe('bot.config.ts: invalid configuration\n  locales.suported: unknown key (did you mean "supported"?)\n');
  });
});

describe('escucha', () => {
  it('prints help and version', async () => {
    const io = captureIO(process.cwd());
    expect(await main(['--help'], io)).toBe(0);
    expect(io.out()).toMatch(/Usage: escucha <command>[\s\S]*lint/);
    const v = captureIO(process.cwd());
    expect(await main(['--version'], v)).toBe(0);
    expect(v.out()).toMatch(/^\d+\.\d+\.\d+\n$/);
    const bad = captureIO(process.cwd());
    expect(await main(['lnt'], bad)).toBe(2);
    expect(bad.err()).toMatch(/^escucha: unknown command "lnt"/);
  });
});
