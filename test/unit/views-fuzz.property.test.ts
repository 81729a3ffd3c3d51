// The views fuzzer's bounded slice (issue 19 items 9 and 13): random sessions with hostile names
// walked through every sidebar model (test/fuzz/views.ts; longer runs with `node scripts/fuzz.mjs views`).
import { describe, expect, it } from 'vitest';
import { mdCode, mdText } from '../../src/extension/present/markdown';
import { fuzzViews, HOSTILE_NAMES, liveMarkup } from '../fuzz/views';

describe('views fuzz, short runs', () => {
  it('the markup check finds HTML, links, images and autolinks outside code spans, and only there', () => {
    for (const bad of ['see ![i](https://e.example/x.png)', '[a](command:x)', 'x <img src=x>', 'go to www.e.example', '`a` and <b>', '``a`` ](x)', '[r]: https://e.example']) expect(liveMarkup(bad), bad).toBeDefined();
    for (const ok of ['`<b>`', '``a`b <i>``', '\\<b\\>', 'Entries 1 to 200 of 900.', '**Pid** 4', 'C:\\Windows\\System32']) expect(liveMarkup(ok), ok).toBeUndefined();
    // What the tooltips use for simulation strings passes it for every hostile name.
    for (const name of HOSTILE_NAMES) { expect(liveMarkup(mdText(name)), name).toBeUndefined(); expect(liveMarkup(mdCode(name)), name).toBeUndefined(); }
  });

  it('random sessions with hostile names: every model walks without a throw, and no name becomes markup', () => {
    const report = fuzzViews({ seed: 7, ops: 250, processes: 16, maxNodes: 900 });
    expect(report.exceptions).toEqual({});
    expect(report.unescaped).toEqual({});
    // The walk did what it claims: many nodes, and tooltips that show the hostile names.
    expect(report.nodes).toBeGreaterThan(2000);
    expect(report.hostileTooltips).toBeGreaterThan(20);
  }, 240_000);
});
