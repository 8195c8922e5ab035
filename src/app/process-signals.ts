/**
 * Stop requests from the operating system and supervisors: SIGINT, SIGTERM, SIGHUP, SIGBREAK
 * (Ctrl-Break on Windows, where there is no SIGTERM) and pm2's `shutdown` message (pm2 sends it
 * instead of a signal when `shutdown_with_message` is set, as it must be on Windows).
 * Uncaught errors go to `onCrash`. Returns a function that detaches everything.
 */
export function attachProcessSignals(onStop: (reason: string) => void, onCrash: (error: unknown) => void): () => void {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;
  const handlers = signals.map((signal) => [signal, () => onStop(signal)] as const);
  for (const [signal, handler] of handlers) process.on(signal, handler);
  const onMessage = (message: unknown) => {
    if (message === 'shutdown' || (message as { type?: unknown } | null)?.type === 'shutdown') onStop('pm2 shutdown message');
  };
  process.on('message', onMessage);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  return () => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
    process.off('message', onMessage);
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
  };
}
