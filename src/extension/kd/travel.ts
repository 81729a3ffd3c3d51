// Time travel, as WinDbg's Time Travel Debugging names it (Microsoft Learn, "Time Travel Debugging -
// Navigation commands" and "!tt (time travel)"): `!tt 0`..`!tt 100` travels to that percentage of the
// trace, `!tt SEQ:0` to a position (the step number in hex), `!positions` prints the position, `p-`
// steps back one step and `g-` runs back to the previous step of interest (a page fault or the start
// of a process-creation stage, the places the panels stop at). The commands return the position; the
// console moves the session's cursor and everything follows.
import type { Step } from '../../engine';
import { KdError } from './expr';
import type { KdTarget } from './target';

type Out = string[];

/** A TTD position for a step: `SEQ:0` with the sequence number in hex. */
export function position(seq: number): string { return `${seq.toString(16).toUpperCase()}:0`; }

/** Where a travel command goes: a step, or undefined for the present. */
export interface Travel { seq: number | undefined }

function last(t: KdTarget): number { return t.view.live.stepCount - 1; }
function current(t: KdTarget): number { return t.view.cursor ?? last(t); }

/** Travels to `seq` (clamped to the trace); returns the move and prints the new position. */
function travelTo(t: KdTarget, seq: number, out: Out): Travel {
  const end = last(t);
  const to = Math.max(0, Math.min(end, seq));
  out.push(`Setting position: ${position(to)}`);
  out.push(`(${to === end ? 'present' : `step ${to} of ${end + 1}`})`);
  out.push(`Time Travel Position: ${position(to)}`);
  return { seq: to === end ? undefined : to };
}

/** !tt Position | !tt Percent | !tt Percent% */
export function cmdTt(t: KdTarget, args: string[], out: Out): Travel {
  const arg = args.join('');
  if (!arg) throw new KdError('Usage: !tt <position> | !tt <0-100>');
  const end = last(t);
  const pos = /^([0-9a-f]+):([0-9a-f]+)$/i.exec(arg);
  if (pos) return travelTo(t, parseInt(pos[1]!, 16), out);
  const pct = /^(\d{1,3}(?:\.\d+)?)%?$/.exec(arg);
  if (pct && Number(pct[1]) <= 100) return travelTo(t, Math.round((Number(pct[1]) / 100) * end), out);
  throw new KdError(`Couldn't resolve error at '${arg}'`);
}

/**
 * !positions: the position and the thread the step at it belongs to (the step's tid, else its process's
 * first thread in the state at that step), as TTD's `!positions` names the thread of each position.
 * A step with neither (a system-wide step) shows the console's context thread.
 */
export function cmdPositions(t: KdTarget, _args: string[], out: Out): void {
  const seq = current(t);
  const step = seq >= 0 ? t.view.live.getSteps(seq, seq + 1)[0] : undefined;
  out.push(`>Thread ID=0x${(stepThread(t, step) ?? t.tid ?? 0).toString(16).toUpperCase()} - Position: ${position(Math.max(0, seq))}`);
  if (step) out.push(`  step ${seq} of ${last(t) + 1}: ${step.routine} (${step.code})${t.view.cursor === undefined ? ' [present]' : ''}`);
}

/** The thread a step ran on: its `tid` argument, else the first thread of its `pid` (in the displayed state). */
export function stepThread(t: KdTarget, step: Step | undefined): number | undefined {
  if (!step) return undefined;
  const tid = step.args.tid;
  if (typeof tid === 'number') return tid;
  const pid = step.args.pid;
  if (typeof pid === 'number') return t.system.queryProcess(pid)?.threads[0]?.tid;
  return undefined;
}

/** A step worth stopping at when running backward. */
export function isStopStep(step: Step, previous: Step | undefined): boolean {
  if (step.kind === 'pageFault') return true;
  return step.stage !== undefined && step.stage !== previous?.stage;
}

/** p- (one step back) and g- (back to the previous step of interest, or the start of the trace). */
export function cmdBack(t: KdTarget, command: 'p-' | 'g-', out: Out): Travel {
  const seq = current(t);
  if (seq <= 0) throw new KdError('Already at the start of the trace.');
  if (command === 'p-') return travelTo(t, seq - 1, out);
  // Read the trace backward in growing slices: the previous stop is usually close.
  let chunk = 64;
  for (let end = seq; end > 0; end -= chunk, chunk = Math.min(chunk * 2, 8192)) {
    const start = Math.max(0, end - chunk - 1);
    const steps = t.view.live.getSteps(start, end);
    for (let i = steps.length - 1; i >= 1; i--) if (isStopStep(steps[i]!, steps[i - 1])) return travelTo(t, steps[i]!.seq, out);
    if (start === 0) break;
  }
  return travelTo(t, 0, out);
}
