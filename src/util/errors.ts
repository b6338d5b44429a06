/** The first line of an error's message: what a user is shown, never a stack. */
export function errorLine(error: unknown): string {
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : String(error);
  return message.split('\n')[0]!.trim();
}

/**
 * Calls a listener so that its exception can never escape into a timer or an unawaited promise (which would end
 * the process): it goes to `fallback`, and whatever the fallback throws is dropped.
 */
export function safely(call: () => void, fallback?: (error: unknown) => void): void {
  try {
    call();
  } catch (error) {
    if (fallback) safely(() => fallback(error));
  }
}
