// Pulls the steps of the flow from the host in slices (STYLE.md §10), never the whole trace.
import { stepCount, useFlow, type ProcessCreationState } from './state';

const SLICE = 100;

/** Makes sure the slice holding step `i` is loaded; rejects when the host answers with an error or not at all. */
export async function ensureLoaded(state: ProcessCreationState, i: number): Promise<void> {
  const flow = state.snapshot?.flow;
  if (!flow) return;
  useFlow(state, flow.start);
  if (state.steps.has(i)) return;
  const from = Math.floor(i / SLICE) * SLICE;
  const reply = await state.port.request('getCreationSteps', { flowStart: flow.start, start: from, end: Math.min(from + SLICE, stepCount(state)) });
  if (reply.flowStart !== state.loadedFlow) return; // another flow was selected meanwhile
  for (const s of reply.steps) state.steps.set(s.index, s);
}
