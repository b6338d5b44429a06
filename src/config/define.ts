import type { ConfigInput } from './schema.js';

/** Typed identity for `bot.config.ts`: editors complete and check keys; values are validated at start. */
export function defineConfig(config: ConfigInput): ConfigInput {
  return config;
}
