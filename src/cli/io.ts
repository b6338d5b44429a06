import { loadConfig, type Config, type ConfigInput } from '../config/index.js';

/** Where a command writes and which folder and environment it runs in; tests pass their own. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  env: NodeJS.ProcessEnv;
  isTTY: boolean;
  /** Stops a command that keeps running (index --watch); without it, SIGINT or SIGTERM does. */
  signal?: AbortSignal;
  /** What an interactive command reads (escucha chat); the process's standard input by default. */
  stdin?: NodeJS.ReadableStream;
}

export const processIO = (): CliIO => ({
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  env: process.env,
  isTTY: Boolean(process.stdout.isTTY),
});

/** A mistake in how a command was called: printed with the usage hint, exit code 2. */
export class UsageError extends Error {}

export { plural } from '../util/text.js';

/** The flags every command that reads the configuration takes: `--config FILE`, and folder overrides. */
export interface ConfigFlags { config?: string | undefined; data?: string | undefined; knowledge?: string | undefined }

/** The configuration a command runs with: bot.config.ts (or `--config`) in its folder, then its flags. */
export function configFor(io: CliIO, flags: ConfigFlags, overrides: ConfigInput = {}): Promise<Config> {
  return loadConfig({
    root: io.cwd, env: io.env, ...(flags.config && { file: flags.config }),
    overrides: {
      ...overrides,
      ...(flags.data && { data: { dir: flags.data } }), ...(flags.knowledge && { knowledge: { dir: flags.knowledge } }),
    },
  });
}

/** Resolves when `signal` aborts or, without one, on the first SIGINT or SIGTERM (a second one then kills). */
export function whenStopped(signal?: AbortSignal): Promise<void> {
  if (signal) {
    return signal.aborted ? Promise.resolve() : new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  }
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
