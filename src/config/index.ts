export { defineConfig } from './define.js';
export { loadConfig, resolveConfig, ConfigError } from './load.js';
export type { Config, ConfigInput } from './schema.js';
export { engineSettings, retrievalSettings } from './settings.js';
