/**
 * Runs each `[work, everyMs]` at once and then every `everyMs` while the tab is visible: a hidden
 * tab asks nothing, and asks at once when shown again. Returns the cleanup (for an `$effect` or a
 * subscriber's teardown).
 */
export function whileVisible(...jobs: [work: () => void, everyMs: number][]): () => void {
  let timers: ReturnType<typeof setInterval>[] = [];
  const stop = () => {
    for (const timer of timers) clearInterval(timer);
    timers = [];
  };
  const start = () => {
    stop();
    for (const [work, everyMs] of jobs) {
      work();
      timers.push(setInterval(work, everyMs));
    }
  };
  const onVisibility = () => (document.visibilityState === 'hidden' ? stop() : start());
  document.addEventListener('visibilitychange', onVisibility);
  if (document.visibilityState !== 'hidden') start();
  return () => {
    stop();
    document.removeEventListener('visibilitychange', onVisibility);
  };
}
