// Drains a running debugger line (a KdStream) the way the console prints it: one slice of at most
// `sliceMs` of work, its lines written, then a turn of the event loop before the next slice, so keys
// (Ctrl+C among them) and the rest of the extension host get through while a 28,000-line listing
// prints. Ctrl+C (interrupt) stops the command where it is, as a WinDbg extension stops when its loop
// polls CheckControlC (Microsoft Learn, "PWINDBG_CHECK_CONTROL_C callback function": "Use
// PWINDBG_CHECK_CONTROL_C in all loops to allow the user to press CTRL+C to end long processes").
// Pure: the clock, the scheduler and the output are the host's (terminal.ts; tests give fakes).
import type { KdChunk, KdStream } from './kd';

/** What the printer needs from its console. */
export interface PrinterHost {
  /** A millisecond clock (performance.now in the console). */
  now(): number;
  /** Runs `next` after the event loop has had a turn (setTimeout 0 in the console). */
  schedule(next: () => void): void;
  /** Writes one slice's output. */
  write(chunk: KdChunk): void;
  /** The line ended, or was interrupted (then `printed` lines had been written). */
  finished(interrupted: boolean, printed: number): void;
}

/** How long one slice may run by default: a frame at 60 Hz, well inside the 50 ms budget of DESIGN.md §8. */
export const SLICE_MS = 12;

export class KdPrinter {
  private over = false;

  constructor(private readonly stream: KdStream, private readonly host: PrinterHost, private readonly sliceMs = SLICE_MS) {}

  /** Whether the line is still printing. */
  get running(): boolean { return !this.over; }

  /** Runs the first slice now (the first screenful appears at once); the rest follow one per turn. */
  start(): void { this.slice(); }

  /** Ctrl+C: stops the command; nothing more is written. */
  interrupt(): void {
    if (this.over) return;
    this.over = true;
    this.stream.cancel();
    this.host.finished(true, this.stream.printed);
  }

  private slice(): void {
    if (this.over) return;
    const started = this.host.now();
    const chunk = this.stream.next(() => this.host.now() - started >= this.sliceMs);
    if (chunk.clear || chunk.lines.length) this.host.write(chunk);
    if (!this.stream.done) { this.host.schedule(() => this.slice()); return; }
    this.over = true;
    this.host.finished(false, this.stream.printed);
  }
}
