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
  {
    name: "notes the simulation was not written for (English): lenses on the blog's own headings, a hover on PEB",
    async run({ page, shot }) {
      await openFile(page, 'blog-process-internals.en.md');
      await page.locator('.monaco-editor .codelens-decoration', { hasText: 'Step through' }).first().waitFor({ timeout: STEP_TIMEOUT });
      await hoverWord(page, 'PEB', /Process Environment Block|PEB/);
      return shot('notes-other-en');
    },
  },
  {
    name: 'notes the simulation was not written for (Chinese): 0x-numbered headings get lenses, KPROCESS inside a Chinese sentence gets a hover',
    async run({ page, shot }) {
      await openFile(page, 'blog-进程结构.zh-cn.md');
      await page.locator('.monaco-editor .codelens-decoration').first().waitFor({ timeout: STEP_TIMEOUT });
      await hoverWord(page, 'KPROCESS', /DirectoryTableBase|KPROCESS/);
      return shot('notes-other-zh');
    },
  },
];

/** Moves the mouse onto the middle of the first rendered occurrence of `word` (measured with a DOM Range, so wide CJK text around it does not matter) and waits for a hover matching `expect`. */
async function hoverWord(page, word, expect) {
  await page.keyboard.press('Escape');
  await page.locator('.monaco-editor .view-line', { hasText: word }).first().waitFor({ timeout: STEP_TIMEOUT });
  const at = await page.evaluate((w) => {
    const doc = globalThis.document;
    for (const line of doc.querySelectorAll('.monaco-editor .view-line')) {
      const walker = doc.createTreeWalker(line, globalThis.NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const i = n.textContent.indexOf(w);
        if (i < 0) continue;
        const r = doc.createRange();
        r.setStart(n, i);
        r.setEnd(n, i + w.length);
        const b = r.getBoundingClientRect();
        if (b.width > 0) return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
      }
    }
    return null;
  }, word);
  if (!at) throw new Error(`${word} is not on screen`);
  await page.mouse.move(at.x, at.y);
  await page.locator('.monaco-hover', { hasText: expect }).first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
}

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


