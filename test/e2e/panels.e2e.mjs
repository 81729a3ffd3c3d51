// End-to-end: the stepping panels in the real workbench (code-server + Chromium). A real browser
// steps forward and back through a whole CreateProcess and through demand-zero, soft, hard, prototype
// and copy-on-write page faults (caused from the panel), in a dark, a light and a high-contrast
// theme, saving screenshots.
// Exports `steps` (and `viewport`); scripts/run-e2e.mjs runs it in a fresh code-server:
//   npm run test:e2e -- --only panels
// Screenshots go to test-results/e2e-panels/.

import { openPalette, panelFrame, runPaletteCommand, STEP_TIMEOUT } from './workbench-lib.mjs';


async function text(frame, selector) {
  return (await frame.locator(selector).first().innerText()).trim();
}

/** "Step 3 of 20" -> [3, 20]. */
async function position(frame) {
  const t = await text(frame, '.stepper .position');
  const m = /(\d+)\D+(\d+)/.exec(t);
  if (!m) throw new Error(`position reads "${t}"`);
  return [Number(m[1]), Number(m[2])];
}

/** Waits (no fixed sleeps: playwright re-checks on DOM changes) until the stepper reads step `expected`. */
async function waitPosition(frame, expected) {
  const reads = frame.locator('.stepper .position', { hasText: new RegExp(`^\\D*${expected}\\D`) });
  try {
    await reads.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  } catch {
    throw new Error(`expected step ${expected}, position is ${JSON.stringify(await position(frame).catch((e) => e.message))}`);
  }
  return position(frame);
}

async function click(frame, action) {
  await frame.locator(`.stepper button[data-action="${action}"]`).click();
}

const state = { pcSteps: 0 };

/** The panels need room for the walk tables. */
export const viewport = { width: 1600, height: 1000 };

export const steps = [
  {
    name: '"NT Lab: Step Through CreateProcess" starts the machine and opens the panel on the newest CreateProcess',
    async run({ page, shot }) {
      // The extension's contributions are registered once the activity bar shows its container.
      const container = page.locator('.activitybar .action-item [aria-label^="NT Lab"]').first();
      await container.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      await container.click();
      await runPaletteCommand(page, 'NT Lab: Step Through CreateProcess');
      const frame = await panelFrame(page, 'CreateProcess, step by step');
      await frame.locator('.timeline-svg').waitFor({ timeout: STEP_TIMEOUT });
      await frame.locator('.detail .call-chain li', { hasText: 'CreateProcessW' }).first().waitFor({ timeout: STEP_TIMEOUT });
      const [, total] = await position(frame);
      if (total < 5) throw new Error(`only ${total} steps in the CreateProcess`);
      state.pcSteps = total;
      const desc = await frame.locator('#timeline-desc').textContent();
      if (!/Stage 3A/.test(desc ?? '')) throw new Error(`timeline text alternative reads "${desc}"`);
      return shot('pc-opened-dark');
    },
  },
  {
    name: 'stepping forward with Next goes through every step of the CreateProcess, and the sidebar time-travels',
    async run({ page, shot }) {
      const frame = await panelFrame(page, 'CreateProcess, step by step');
      if (!(await frame.locator('.stepper button[data-action="first"]').isDisabled())) await click(frame, 'first');
      await waitPosition(frame, 1);
      const stages = new Set();
      for (let i = 2; i <= state.pcSteps; i++) {
        await click(frame, 'next');
        await waitPosition(frame, i);
        stages.add(await text(frame, '.detail .stage-title'));
        if (i === Math.min(8, state.pcSteps)) await shot('pc-middle-dark');
      }
      if (stages.size < 4) throw new Error(`only ${stages.size} stages seen: ${[...stages].join(' | ')}`);
      if (!(await frame.locator('.stepper button[data-action="next"]').isDisabled())) throw new Error('Next is still enabled on the last step');
      return { detail: `${state.pcSteps} steps, ${stages.size} stages` };
    },
  },
  {
    name: 'stepping back with the keyboard, jumping, then Present returns to the live state',
    async run({ page, shot }) {
      const frame = await panelFrame(page, 'CreateProcess, step by step');
      await frame.locator('.detail h2').click();
      for (let i = 1; i <= 3; i++) {
        await page.keyboard.press('ArrowLeft');
        await waitPosition(frame, state.pcSteps - i);
      }
      const badge = await text(frame, '.stepper .badge');
      if (!/Time travel/.test(badge)) throw new Error(`badge reads "${badge}" while on a past step`);
      await frame.locator('.stepper input.jump').fill('3');
      await frame.locator('.stepper input.jump').press('Enter');
      await waitPosition(frame, 3);
      await frame.locator('.detail h2').click(); // shortcuts act outside text fields
      await page.keyboard.press('Home');
      await waitPosition(frame, 1);
      const file = await shot('pc-stepped-back-dark');
      // The button shows its own short label; the whole sentence is its tooltip.
      const presentButton = frame.locator('.stepper button[data-action="present"]');
      const label = await presentButton.textContent();
      const title = await presentButton.getAttribute('title');
      if (label !== 'Present' || !title?.startsWith('Present (P)')) throw new Error(`Present button reads "${label}" with tooltip "${title}"`);
      await click(frame, 'present');
      await frame.locator('.stepper .badge', { hasText: 'Live' }).waitFor({ timeout: STEP_TIMEOUT });
      return file;
    },
  },
  ...['demandZero', 'transition', 'pageFile', 'prototype', 'copyOnWrite'].map((kind) => ({
    name: `the page-fault panel causes a ${kind} fault and steps through its phases forward and back`,
    async run({ page, shot }) {
      if (kind === 'demandZero') await runPaletteCommand(page, 'NT Lab: Step Through a Page Fault');
      const frame = await panelFrame(page, 'Page fault, step by step');
      await frame.locator('select.cause-kind').selectOption(kind);
      const before = await frame.locator('.fault-title').first().textContent().catch(() => '');
      await frame.locator('button[data-action="cause"]').click();
      const label = {
        demandZero: 'demand-zero fault', transition: 'transition (soft) fault', pageFile: 'paging-file (hard) fault',
        prototype: 'prototype PTE fault', copyOnWrite: 'copy-on-write fault',
      }[kind];
      await frame.locator('.fault-title', { hasText: label }).waitFor({ timeout: STEP_TIMEOUT });
      if ((await frame.locator('.fault-title').first().textContent()) === before) throw new Error('the fault did not change');
      const [, phases] = await position(frame);
      for (let i = 2; i <= phases; i++) {
        await click(frame, 'next');
        await waitPosition(frame, i);
        const shown = await frame.locator('.phase-section').count();
        if (shown !== i) throw new Error(`phase ${i}: ${shown} sections shown`);
      }
      for (const id of ['split', 'walk', 'pte', 'resolve', 'pfn', 'workingSet', 'translation']) {
        await frame.locator(`.phase-section[data-phase="${id}"]`).waitFor({ timeout: STEP_TIMEOUT });
      }
      const walkRows = await frame.locator('.phase-section[data-phase="resolve"] table.walk tbody tr').count();
      if (walkRows !== 4) throw new Error(`the after-walk has ${walkRows} rows`);
      const routine = { demandZero: 'MiResolveDemandZeroFault', transition: 'MiResolveTransitionFault', pageFile: 'MiResolvePageFileFault', prototype: 'MiResolveProtoPteFault', copyOnWrite: 'MiCopyOnWrite' }[kind];
      const chain = await frame.locator('.call-chain').first().innerText();
      if (!chain.includes(routine)) throw new Error(`the call chain reads "${chain}"`);
      await frame.locator('.phase-section[data-phase="split"]').scrollIntoViewIfNeeded();
      const file = await shot(`pf-${kind}-dark`);
      await frame.locator('.fault-title').click();
      await page.keyboard.press('ArrowLeft');
      await waitPosition(frame, phases - 1);
      await page.keyboard.press('Home');
      await waitPosition(frame, 1);
      if ((await frame.locator('.phase-section').count()) !== 1) throw new Error('stepping back to phase 1 still shows later phases');
      await page.keyboard.press('End');
      await waitPosition(frame, phases);
      return file;
    },
  })),
  {
    name: 'in a light theme both panels stay readable (screenshots)',
    async run({ page, shot }) {
      await openPalette(page);
      await page.keyboard.type('Preferences: Color Theme');
      await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Preferences: Color Theme', hasNotText: 'Marketplace' }).first().click();
      await page.locator('.quick-input-widget input[placeholder*="Color Theme"]').waitFor({ timeout: STEP_TIMEOUT });
      await page.keyboard.type('Light Modern');
      await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Light Modern' }).first().click();
      await page.locator('.monaco-workbench.vs').waitFor({ timeout: STEP_TIMEOUT });
      const pf = await panelFrame(page, 'Page fault, step by step');
      await pf.locator('.phase-section[data-phase="pfn"]').scrollIntoViewIfNeeded();
      await shot('pf-pageFile-light');
      await page.locator('.editor-group-container .tab', { hasText: 'CreateProcess Steps' }).first().click();
      const pc = await panelFrame(page, 'CreateProcess, step by step');
      await pc.locator('.step-list li').nth(4).click();
      await waitPosition(pc, 5);
      return shot('pc-light');
    },
  },
  {
    name: 'in the Default High Contrast theme both panels stay readable (screenshots)',
    async run({ page, shot }) {
      await openPalette(page);
      await page.keyboard.type('Preferences: Color Theme');
      await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Preferences: Color Theme', hasNotText: 'Marketplace' }).first().click();
      await page.locator('.quick-input-widget input[placeholder*="Color Theme"]').waitFor({ timeout: STEP_TIMEOUT });
      await page.keyboard.type('Default High Contrast');
      await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Default High Contrast', hasNotText: 'Light' }).first().click();
      await page.locator('.monaco-workbench.hc-black').waitFor({ timeout: STEP_TIMEOUT });
      const pc = await panelFrame(page, 'CreateProcess, step by step');
      await pc.locator('body.vscode-high-contrast').waitFor({ timeout: STEP_TIMEOUT });
      await pc.locator('.step-list li').nth(5).click();
      await waitPosition(pc, 6);
      const pcFile = await shot('pc-high-contrast');
      await page.locator('.editor-group-container .tab', { hasText: 'Page Fault' }).first().click();
      const pf = await panelFrame(page, 'Page fault, step by step');
      await pf.locator('.phase-section[data-phase="walk"]').scrollIntoViewIfNeeded();
      await shot('pf-high-contrast');
      await pf.locator('.phase-section[data-phase="pfn"]').scrollIntoViewIfNeeded();
      await shot('pf-high-contrast-pfn');
      return pcFile;
    },
  },
];


