/** Terminal helpers: colours only on a TTY, progress on stderr, JSON on stdout. */
import { createColors } from 'picocolors';

/** Output channel used by every command. */
export interface Io {
  out(s: string): void;
  err(s: string): void;
  readonly color: boolean;
  readonly c: ReturnType<typeof createColors>;
  /** Progress line for long work (rewritten in place on a TTY, sparse lines otherwise). */
  progress(stage: string, done: number, total: number): void;
  /** End the current progress line. */
  progressDone(): void;
}

let stdoutClosed = false;
let watching = false;

// `cadre plan | head`: once the reader is gone, drop further output instead of crashing. A running apply must not
// die half-way because nobody reads its report.
function watchStdout(): void {
  if (watching) return;
  watching = true;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') stdoutClosed = true;
    else throw e;
  });
}

/** Create the process IO. */
export function createIo(opts: { color?: boolean } = {}): Io {
  watchStdout();
  const tty = process.stderr.isTTY === true;
  const color = opts.color ?? (process.stdout.isTTY === true && !process.env.NO_COLOR);
  const c = createColors(color);
  let last = '';
  let lastPct = -1;
  return {
    color,
    c,
    out: (s) => { if (!stdoutClosed) process.stdout.write(`${s}\n`); },
    err: (s) => { process.stderr.write(`${s}\n`); },
    progress(stage, done, total) {
      const pct = total > 0 ? Math.floor((done / total) * 100) : 0;
      const line = total > 0 && done <= total ? `${stage}: ${done}/${total} (${pct}%)` : `${stage}: ${done}`;
      if (tty) {
        process.stderr.write(`\r\u001b[2K${line}`);
        last = line;
      } else if (stage !== last || pct >= lastPct + 25 || done === total) {
        process.stderr.write(`${line}\n`);
        last = stage;
        lastPct = pct;
      }
    },
    progressDone() {
      if (tty && last) process.stderr.write('\r\u001b[2K');
      last = '';
      lastPct = -1;
    },
  };
}
