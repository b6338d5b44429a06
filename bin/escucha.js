#!/usr/bin/env node
// Escucha's sources and the operator's bot.config.ts are TypeScript; tsx lets Node 20 run them without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
