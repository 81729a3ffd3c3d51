// Pulls the steps of the flow from the host in slices (STYLE.md §10), never the whole trace.
import { request } from '../common/host';
import { stepCount, useFlow, view } from './state';

const SLICE = 100;

/** Makes sure the slice holding step `i` is loaded; rejects when the host answers with an error or not at all. */
export async function ensureLoaded(i: number): Promise<void> {
  const flow = view.snapshot?.flow;
  if (!flow) return;
  useFlow(flow.start);
  if (view.steps.has(i)) return;
  const from = Math.floor(i / SLICE) * SLICE;
  const reply = await request('getCreationSteps', { flowStart: flow.start, start: from, end: Math.min(from + SLICE, stepCount()) });
  if (reply.flowStart !== view.loadedFlow) return; // another flow was selected meanwhile
  for (const s of reply.steps) view.steps.set(s.index, s);
}
