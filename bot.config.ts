import { defineConfig } from './src/config/index.js';

// Every key is optional: delete one and its default applies. `npx escucha --help` lists the environment
// variables that override these (PORT, ESCUCHA_DATA_DIR, MicrosoftAppId, ...).
export default defineConfig({
  company: { name: 'Nubo' },
  locales: { default: 'es', supported: ['es', 'en'] },
  knowledge: { dir: 'knowledge' },
  data: { dir: 'data' },
  dialogue: {
    thresholds: { answer: 0.45, clarify: 0.25, margin: 0.03 },
  },
  server: { port: 3978 },
});
