import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { configKeysAt, configSchema, type Config, type ConfigInput } from './schema.js';
import { formatIssues, type FormattedIssue } from '../util/zod-issues.js';

export class ConfigError extends Error {
  constructor(readonly source: string, readonly problems: FormattedIssue[]) {
    super(`${source}: invalid configuration\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Environment variables that override the file: secrets and ports never need to live in it. */
const ENV_OVERRIDES: ReadonlyArray<{ env: string; path: string[]; kind: 'int' | 'string' }> = [
  { env: 'PORT', path: ['server', 'port'], kind: 'int' },
  { env: 'HOST', path: ['server', 'host'], kind: 'string' },
  { env: 'ESCUCHA_DATA_DIR', path: ['data', 'dir'], kind: 'string' },
  { env: 'ESCUCHA_KNOWLEDGE_DIR', path: ['knowledge', 'dir'], kind: 'string' },
  { env: 'ESCUCHA_MODELS_DIR', path: ['retrieval', 'embedder', 'modelsDir'], kind: 'string' },
  { env: 'MicrosoftAppId', path: ['secrets', 'microsoftAppId'], kind: 'string' },
  { env: 'MicrosoftAppPassword', path: ['secrets', 'microsoftAppPassword'], kind: 'string' },
  { env: 'MicrosoftAppTenantId', path: ['secrets', 'microsoftAppTenantId'], kind: 'string' },
  { env: 'ESCUCHA_AGENT_TOKEN', path: ['secrets', 'agentToken'], kind: 'string' },
];

export interface LoadConfigOptions {
  /** Project root; `bot.config.ts` is looked for here. */
  root?: string;
  /** An explicit config file; when given it must exist. */
  file?: string;
  env?: NodeJS.ProcessEnv;
  /** Command-line flags, applied last. */
  overrides?: ConfigInput;
}

/**
 * The default export of a config file. TypeScript goes through tsx's loader, which also reads a `.ts` file outside
 * any `"type": "module"` package (an operator's own folder), where plain import() fails; that file is then compiled
 * as CommonJS and its default export arrives wrapped once more.
 */
async function importConfigFile(file: string): Promise<unknown> {
  if (!/\.[cm]?ts$/.test(file)) return ((await import(pathToFileURL(file).href)) as { default?: unknown }).default;
  const { tsImport } = await import('tsx/esm/api');
  const mod = (await tsImport(pathToFileURL(file).href, import.meta.url)) as { default?: unknown };
  const value = mod.default;
  const wrapped = value && typeof value === 'object' && Object.keys(value).length === 1 && 'default' in value;
  return wrapped ? (value as { default: unknown }).default : value;
}

export async function loadConfig(options: LoadConfigOptions = {}): Promise<Config> {
  const root = path.resolve(options.root ?? process.cwd());
  const file = options.file ? path.resolve(root, options.file) : path.join(root, 'bot.config.ts');
  let input: unknown = {};
  if (existsSync(file)) {
    const exported = await importConfigFile(file);
    if (exported === undefined) {
      throw new ConfigError(path.relative(root, file) || file, [{ path: '(file)', message: 'expected `export default defineConfig({...})`' }]);
    }
    input = exported;
  } else if (options.file) {
    throw new ConfigError(options.file, [{ path: '(file)', message: 'file not found' }]);
  }
  return resolveConfig(input, { root, source: path.relative(root, file) || 'bot.config.ts', env: options.env ?? process.env, overrides: options.overrides });
}

/** Validates a config object (from a file or a test), applies the environment and flags, and makes paths absolute. */
export function resolveConfig(
  input: unknown,
  { root = process.cwd(), source = 'bot.config.ts', env = {}, overrides }: { root?: string; source?: string; env?: NodeJS.ProcessEnv; overrides?: ConfigInput | undefined } = {},
): Config {
  const merged = structuredClone(isPlainObject(input) ? input : {}) as Record<string, unknown>;
  const fromEnv = new Map<string, string>();
  for (const { env: name, path: keys, kind } of ENV_OVERRIDES) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    let target = merged;
    for (const key of keys.slice(0, -1)) target = (target[key] ??= {}) as Record<string, unknown>;
    target[keys[keys.length - 1]!] = kind === 'int' && /^\d+$/.test(raw.trim()) ? Number(raw) : raw;
    fromEnv.set(keys.join('.'), name);
  }
  if (overrides) deepAssign(merged, overrides as Record<string, unknown>);

  const parsed = isPlainObject(input) || input === undefined
    ? configSchema.safeParse(merged, { reportInput: true })
    : null;
  if (!parsed) throw new ConfigError(source, [{ path: '(root)', message: 'expected a mapping of settings' }]);
  if (!parsed.success) {
    const problems = formatIssues(parsed.error.issues, configKeysAt).map((p) =>
      fromEnv.has(p.path) ? { ...p, message: `${p.message} (from the environment variable ${fromEnv.get(p.path)})` } : p);
    throw new ConfigError(source, problems);
  }
  const config = parsed.data;
  return {
    ...config,
    root,
    knowledge: { ...config.knowledge, dir: path.resolve(root, config.knowledge.dir) },
    data: { ...config.data, dir: path.resolve(root, config.data.dir) },
    retrieval: {
      ...config.retrieval,
      embedder: {
        ...config.retrieval.embedder,
        modelsDir: path.resolve(root, config.retrieval.embedder.modelsDir),
        ...(config.retrieval.embedder.bilingualDir && { bilingualDir: path.resolve(root, config.retrieval.embedder.bilingualDir) }),
      },
    },
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepAssign(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(source)) {
    if (value === undefined) continue;
    if (isPlainObject(value) && isPlainObject(target[key])) deepAssign(target[key] as Record<string, unknown>, value);
    else target[key] = isPlainObject(value) ? structuredClone(value) : value;
  }
}
