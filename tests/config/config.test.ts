import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { ConfigError, loadConfig, resolveConfig } from '../../src/config/index.js';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { PROJECT_ROOT, tempTree } from '../helpers.js';

function problems(input: unknown, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    resolveConfig(input, { env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  return [];
}

describe('configuration', () => {
  it('has defaults that work with no file at all', async () => {
    const root = tempTree({});
    const config = await loadConfig({ root, env: {} });
    expect(config.locales).toEqual({ default: 'es', supported: ['es', 'en'] });
    expect(config.dialogue.thresholds).toEqual({ answer: 0.45, clarify: 0.25, margin: 0.03 });
    expect(config.knowledge.dir).toBe(path.join(root, 'knowledge'));
    expect(config.data.dir).toBe(path.join(root, 'data'));
    expect(config.server.port).toBe(3978);
  });

  it('names the bad key, what was expected and what it got', () => {
    expect(problems({ dialogue: { thresholds: { answer: 'high' } } }))
      .toEqual(['dialogue.thresholds.answer: expected a number between 0 and 1, got "high"']);
    expect(problems({ dialogue: { thresholds: { answer: 1.5 } } }))
      .toEqual(['dialogue.thresholds.answer: expected a number between 0 and 1, got 1.5']);
    expect(problems({ locales: { supported: 'es' } }))
      .toEqual(['locales.supported: expected a list, got "es"']);
  });

  it('reports unknown keys with a did-you-mean, at any depth', () => {
    expect(problems({ dialouge: {}, server: { prot: 80 } })).toEqual([
      'server.prot: unknown key (did you mean "port"?)',
      'dialouge: unknown key (did you mean "dialogue"?)',
    ]);
    expect(problems({ zzzzzzzz: 1 })).toEqual(['zzzzzzzz: unknown key']);
  });

  it('checks settings against each other', () => {
    expect(problems({ locales: { default: 'fr' } })).toEqual(['locales.default: expected one of locales.supported ("es", "en"), got "fr"']);
    expect(problems({ dialogue: { thresholds: { answer: 0.3, clarify: 0.5 } } }))
      .toEqual(['dialogue.thresholds.clarify: expected a number no greater than dialogue.thresholds.answer (0.3), got 0.5']);
  });

  it('lets environment variables override ports, folders and secrets, and names them when wrong', () => {
    const config = resolveConfig({ server: { port: 80 } }, { root: '/srv/bot', env: { PORT: '8080', ESCUCHA_DATA_DIR: '/var/escucha', MicrosoftAppId: 'abc' } });
    expect(config.server.port).toBe(8080);
    expect(config.data.dir).toBe('/var/escucha');
    expect(config.secrets.microsoftAppId).toBe('abc');
    expect(problems({}, { PORT: 'eighty' }))
      .toEqual(['server.port: expected a port number between 0 and 65535, got "eighty" (from the environment variable PORT)']);
  });

  it('loads bot.config.ts written with defineConfig, and reports its problems with the file name', async () => {
    const defineConfig = path.resolve(import.meta.dirname, '../../src/config/index.ts');
    const good = tempTree({ 'bot.config.ts': `import { defineConfig } from ${JSON.stringify(defineConfig)};\nexport default defineConfig({ knowledge: { dir: 'kb' }, dialogue: { thresholds: { answer: 0.7 } } });\n` });
    const config = await loadConfig({ root: good, env: {} });
    expect(config.knowledge.dir).toBe(path.join(good, 'kb'));
    expect(config.dialogue.thresholds).toEqual({ answer: 0.7, clarify: 0.25, margin: 0.03 });

    const bad = tempTree({ 'bot.config.ts': 'export default { knowledge: { maxFileBytes: -1 } };\n' });
    await expect(loadConfig({ root: bad, env: {} })).rejects.toThrow(
      'bot.config.ts: invalid configuration\n  knowledge.maxFileBytes: expected a whole number of bytes greater than 0, got -1');
  });
});

describe('bot.config.ts through the installed command', () => {
  it('is read in a folder that is not an ES module package, and its mistakes are named', () => {
    // An operator's own folder has no package.json saying "type": "module"; plain import() of a .ts file fails there.
    const dir = tempTree({
      'bot.config.ts': 'export default { knowledge: { dir: "kb" }, dialogue: { thresholds: { answr: 0.3 } } };\n',
      'kb/a.md': '---\ntitle: A\n---\nText.\n',
    });
    const run = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'bin/escucha.js'), 'lint'], { cwd: dir, encoding: 'utf8' });
    expect(run.stderr).toBe('bot.config.ts: invalid configuration\n  dialogue.thresholds.answr: unknown key (did you mean "answer"?)\n');
    expect(run.status).toBe(2);
    writeFileSync(path.join(dir, 'bot.config.ts'), 'export default { knowledge: { dir: "kb" } };\n');
    const fixed = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'bin/escucha.js'), 'lint'], { cwd: dir, encoding: 'utf8' });
    expect(fixed.stderr).toContain('1 file, 1 published, 0 drafts: 0 errors, 0 warnings');
    expect(fixed.status).toBe(0);
  });
});
