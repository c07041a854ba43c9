/**
 * Errors outside any test are failures too, reported with their stack instead of killing a worker.
 *
 * `npm test` runs the files in parallel workers. Mocha listens for uncaught exceptions and unhandled
 * rejections only while a file runs; afterwards the worker removes every listener. An error that comes
 * later (a timer, a socket or a promise that outlived the file that started it) then ends the worker
 * with "Workerpool Worker terminated Unexpectedly", the results of the file it was running are lost,
 * and nothing says where the error came from.
 *
 * This root-hook plugin (.mocharc.json `require`) keeps one listener of its own on both events. While a
 * file runs, mocha reports uncaught exceptions itself, and this prints the unhandled rejections that mocha
 * lets pass. Between files it prints the error with the file that ran last, and the next file's root
 * `after all` hook fails with it, so the run is red and says why. Nothing is swallowed silently.
 */
interface Guard {
  stray: string[];
  current: string;
  running: boolean;
  install(): void;
}

function describeError(err: unknown): string {
  if (err instanceof Error) return err.stack ?? `${err.name}: ${err.message}`;
  return String(err);
}

/** One guard per process: the worker may evaluate this module again for every file it runs. */
function makeGuard(): Guard {
  const g: Guard = { stray: [], current: "(before the first file)", running: false, install };
  const record = (kind: string, err: unknown): void => {
    const text = `${kind} after the test file ${g.current} had finished:\n${describeError(err)}`;
    g.stray.push(text);
    console.error(`\n[stray error] ${text}\n`);
  };
  const onException = (err: unknown): void => {
    if (process.listenerCount("uncaughtException") > 1) return; // mocha's runner reports it
    record("Uncaught exception", err);
  };
  const onRejection = (reason: unknown): void => {
    if (g.running) {
      if (process.listenerCount("unhandledRejection") > 1) return; // mocha re-emits it without its own listener
      // Mocha re-emits a test's unhandled rejection and otherwise lets it pass: show it at least.
      console.error(`\n[unhandled rejection while ${g.current} ran] ${describeError(reason)}\n`);
      return;
    }
    record("Unhandled rejection", reason);
  };
  function install(): void {
    if (!process.listeners("uncaughtException").includes(onException)) process.on("uncaughtException", onException);
    if (!process.listeners("unhandledRejection").includes(onRejection)) process.on("unhandledRejection", onRejection);
  }
  // The worker removes all listeners of both events after each file; put ours back at once.
  const removeAll = process.removeAllListeners.bind(process);
  process.removeAllListeners = ((event?: string | symbol) => {
    const result = event === undefined ? removeAll() : removeAll(event);
    if (event === undefined || event === "uncaughtException" || event === "unhandledRejection") install();
    return result;
  }) as typeof process.removeAllListeners;
  install();
  return g;
}

const GUARD = Symbol.for("zorgvuldig.test.stray-errors");
const holder = globalThis as typeof globalThis & { [GUARD]?: Guard };
const guard: Guard = holder[GUARD] ?? (holder[GUARD] = makeGuard());

interface SuiteLike {
  file?: string;
  suites?: SuiteLike[];
}
interface HookContext {
  test?: { file?: string; parent?: SuiteLike };
}

export const mochaHooks = {
  beforeAll(this: HookContext): void {
    guard.install();
    const root = this.test?.parent;
    const file = this.test?.file ?? root?.file ?? root?.suites?.find((s) => s.file)?.file;
    if (file) guard.current = file.replace(`${process.cwd()}/`, "");
    guard.running = true;
  },
  afterAll(): void {
    guard.running = false;
    if (guard.stray.length === 0) return;
    const texts = guard.stray.splice(0);
    throw new Error(`An error came outside every test (printed above as [stray error]):\n${texts.join("\n\n")}`);
  },
};
