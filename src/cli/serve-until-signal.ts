/**
 * Foreground servers (`cadre sim …`): wait for Ctrl-C or a termination signal, then shut down.
 */

/**
 * Resolve on the first SIGINT or SIGTERM (both listeners are removed again, so a second signal gets
 * Node's default handling), then run `stop` and wait for it.
 */
export async function serveUntilSignal(stop: () => Promise<void>): Promise<void> {
  await new Promise<void>((resolve) => {
    const onSignal = (): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  await stop();
}
