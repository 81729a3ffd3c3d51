// End-to-end: the learner's notes beside the simulation, in the real workbench (code-server +
// Chromium). Exports `steps`; scripts/run-e2e.mjs runs it in a fresh code-server:
//   npm run test:e2e -- --only notes
// Screenshots go to test-results/e2e-notes/.

import { openPalette, panelFrame, runPaletteCommand, STEP_TIMEOUT } from './workbench-lib.mjs';

export const steps = [
  {
    name: 'the Chinese demo notes open and show Step through / Show in sidebar CodeLens on their headings',
    async run({ page, shot }) {
      await openFile(page, 'internals.zh-cn.md');
      await page.locator('.monaco-editor .view-lines', { hasText: 'CreateProcess流程' }).first().waitFor({ timeout: STEP_TIMEOUT });
      await page.locator('.monaco-editor .codelens-decoration', { hasText: 'Step through' }).first().waitFor({ timeout: STEP_TIMEOUT });
      await page.locator('.monaco-editor .codelens-decoration', { hasText: 'Show in sidebar' }).first().waitFor({ timeout: STEP_TIMEOUT });
      return shot('notes-codelens');
    },
  },
  {
    name: 'Open Notes Beside the Simulation starts the machine and lays the notes out with the panel',
    async run({ page, shot }) {
      await runPaletteCommand(page, 'NT Lab: Open Notes Beside the Simulation');
      await page.locator('.statusbar-item', { hasText: 'Avail' }).first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      // The stepping panel opens beside the notes, showing the newest CreateProcess.
      const frame = await panelFrame(page, 'CreateProcess, step by step');
      await frame.locator('.stepper .position').filter({ hasText: /\d/ }).first().waitFor({ timeout: STEP_TIMEOUT });
      return shot('notes-beside-simulation');
    },
  },
  {
    name: 'running the first ntlab block shows results after its lines',
    async run({ page, shot }) {
      await focusNotes(page, 'internals.zh-cn.md');
      // Scroll the block into the middle of the editor (CodeLens render only for visible lines).
      await goToLine(page, 45);
      await goToLine(page, 34);
      await page.locator('.monaco-editor .codelens-decoration a', { hasText: 'Run all' }).first().click();
      // Results are `after` decorations: their text lives in generated CSS rules, not in the DOM text.
      await page.waitForFunction(() => [...globalThis.document.styleSheets].some((sheet) => {
        try { return [...sheet.cssRules].some((r) => /content:.*→ pid \d+, tid \d+/.test(r.cssText)); } catch { return false; }
      }), undefined, { timeout: STEP_TIMEOUT });
      return shot('notes-block-run');
    },
  },
  {
    name: 'a hover on EPROCESS shows the explanation and the live simulated values',
    async run({ page, shot }) {
      const word = page.locator('.monaco-editor .view-line span', { hasText: /^.*EPROCESS.*$/ }).first();
      await word.scrollIntoViewIfNeeded();
      const box = await word.boundingBox();
      if (!box) throw new Error('EPROCESS is not on screen');
      const text = await word.innerText();
      const at = Math.max(0, text.indexOf('EPROCESS'));
      const charWidth = box.width / Math.max(1, text.length);
      await page.mouse.move(box.x + (at + 3) * charWidth, box.y + box.height / 2);
      const hover = page.locator('.monaco-hover', { hasText: 'UniqueProcessId' }).first();
      await hover.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      return shot('notes-hover-eprocess');
    },
  },
];

async function openFile(page, name) {
  await openPalette(page);
  await page.keyboard.press('Backspace');
  await page.keyboard.type(name);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: name }).first().waitFor({ timeout: STEP_TIMEOUT });
  await page.keyboard.press('Enter');
  await page.locator('.editor-group-container .tab', { hasText: name }).first().waitFor({ timeout: STEP_TIMEOUT });
}

/** Ctrl+G: puts the cursor on a line and scrolls it into the middle of the editor. */
async function goToLine(page, line) {
  await page.keyboard.press('Control+g');
  await page.locator('.quick-input-widget input').waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  await page.keyboard.type(String(line));
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: STEP_TIMEOUT });
}

async function focusNotes(page, name) {
  await page.locator('.editor-group-container .tab', { hasText: name }).first().click();
}


