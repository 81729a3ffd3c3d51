// Long work in the extension host, in chunks: a generator does one chunk per `next()`; between
// chunks this reports progress, gives the event loop a turn (so the window stays responsive) and
// stops when cancelled. Pure: no vscode (the caller passes withProgress's reporter and token).

export interface ChunkProgress { readonly done: number; readonly total: number }

export interface ChunkDriver {
  /** Called after each chunk with the work done so far. */
  onProgress(p: ChunkProgress): void;
  /** Whether to stop (checked after every chunk). */
  isCancelled(): boolean;
  /** Lets the event loop run between chunks (default: a zero-delay timer). */
  pause?(): Promise<void>;
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Runs `work` to the end, one chunk per event-loop turn. Resolves to its result, or `undefined`
 * when cancelled (the generator is closed; what it built is dropped). Errors it throws propagate.
 */
export async function runInChunks<T>(work: Generator<ChunkProgress, T, void>, driver: ChunkDriver): Promise<T | undefined> {
  const pause = driver.pause ?? nextTurn;
  for (;;) {
    const r = work.next();
    if (r.done) return r.value;
    driver.onProgress(r.value);
    await pause();
    if (driver.isCancelled()) {
      work.return(undefined as never);
      return undefined;
    }
  }
}

/** A session file's text, one operation per line, built in chunks of `chunk` operations (see sessionText). */
export function* sessionTextInChunks(head: Record<string, unknown>, ops: readonly unknown[], chunk = 5000): Generator<ChunkProgress, string, void> {
  const top = JSON.stringify(head, null, 2).replace(/\n}$/, '');
  const parts: string[] = [];
  for (let i = 0; i < ops.length; i++) {
    parts.push(JSON.stringify(ops[i]));
    if ((i + 1) % chunk === 0 && i + 1 < ops.length) yield { done: i + 1, total: ops.length };
  }
  const body = parts.length ? `[\n    ${parts.join(',\n    ')}\n  ]` : '[]';
  return `${top},\n  "ops": ${body}\n}\n`;
}
