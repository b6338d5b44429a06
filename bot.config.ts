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
  emotion: { handoffLevel: 0.7, mildLevel: 0.3 },
  handoff: {
    afterFailures: 2,
    expectedWaitMinutes: 15,
    // Outside these hours a customer handed to a person is told when the team is back, and waits in the queue.
    hours: {
      timeZone: 'Europe/Madrid',
      week: {
        mon: ['09:00-21:00'], tue: ['09:00-21:00'], wed: ['09:00-21:00'], thu: ['09:00-21:00'], fri: ['09:00-21:00'],
        sat: ['10:00-14:00'],
      },
      holidays: ['2026-12-25', '2027-01-01', '2027-01-06'],
    },
  },
  server: { port: 3978 },
});
