// End-to-end: a real browser (system Chromium through playwright-core) drives the real workbench
// (code-server with the packaged extension installed, demo/ open). Run by scripts/run-e2e.mjs,
// which owns code-server and the browser; this file only holds the scenario.
//
// Each step waits for what a user would see (aria labels, roles, visible text), never for time.
import fs from 'node:fs';
import path from 'node:path';

import { openPalette, runPaletteCommand, STEP_TIMEOUT } from './workbench-lib.mjs';

/** The scenario; `shot(name)` saves test-results/e2e/<name>.png and returns its path. */
export const steps = [
  {
    name: 'the NT Lab container opens from the activity bar and shows the Processes view',
    async run({ page, shot }) {
      const container = page.locator('.activitybar .action-item [aria-label^="NT Lab"]').first();
      await container.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      await container.click();
      await paneHeader(page, 'Processes').waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      await paneHeader(page, 'Physical Memory').waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      await welcome(page, 'No simulation is running').waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      // Before a simulation exists the Processes view offers Start, not Reset (menu `when` on ntlab.sessionActive).
      await viewAction(page, 'Start Simulation').waitFor({ state: 'attached', timeout: STEP_TIMEOUT });
      await assertCount(viewAction(page, 'Reset Simulation'), 0, 'no Reset action before a simulation runs');
      return shot('ntlab-container');
    },
  },
  {
    name: 'the command palette offers Start but not Reset before a simulation runs',
    async run({ page }) {
      await openPalette(page);
      await page.keyboard.type('NT Lab: ');
      const rows = page.locator('.quick-input-widget .monaco-list-row');
      await rows.filter({ hasText: 'Start Simulation' }).first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      await assertCount(rows.filter({ hasText: 'Reset Simulation' }), 0, '"NT Lab: Reset Simulation" (enablement ntlab.sessionActive) is listed');
      await page.keyboard.press('Escape');
    },
  },
  {
    name: '"NT Lab: Start Simulation" from the command palette starts the machine',
    async run({ page, shot }) {
      await runPaletteCommand(page, 'NT Lab: Start Simulation');
      // The machine has booted when the Processes view lists its processes (a welcome text shows only while a
      // view is empty, a moment that a fast first refresh can skip).
      await page.locator('.sidebar .monaco-list-row', { hasText: 'explorer.exe' }).first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      const status = page.locator('.statusbar-item', { hasText: 'Avail' }).first();
      await status.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      const text = (await status.innerText()).trim();
      if (!/Avail \d+ MB/.test(text)) throw new Error(`status bar item reads "${text}"`);
      await viewAction(page, 'Reset Simulation').waitFor({ state: 'attached', timeout: STEP_TIMEOUT });
      await assertCount(viewAction(page, 'Start Simulation'), 0, 'Start gives way to Reset once a simulation runs');
      return { screenshot: await shot('session-started'), statusBar: text };
    },
  },
  {
    name: '"NT Lab: Show Memory List Counts" reports the PFN lists in a notification',
    async run({ page }) {
      await runPaletteCommand(page, 'NT Lab: Show Memory List Counts');
      const toast = page.locator('.notification-toast', { hasText: 'Zeroed' }).first();
      await toast.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      const text = (await toast.innerText()).replace(/\s+/g, ' ').trim();
      if (!/Zeroed \d+/.test(text) || !/Free \d+/.test(text)) throw new Error(`notification reads "${text}"`);
      return { detail: text };
    },
  },
  {
    name: 'the demo notes open beside the simulation (README screenshot)',
    async run({ page, shot, readmeShot }) {
      await openPalette(page);
      await page.keyboard.press('Backspace'); // drop the '>' of command mode: Quick Open searches files
      await page.keyboard.type('notes.md');
      await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'notes.md' }).first().waitFor({ timeout: STEP_TIMEOUT });
      await page.keyboard.press('Enter');
      await page.locator('.editor-group-container .tab', { hasText: 'notes.md' }).first().waitFor({ timeout: STEP_TIMEOUT });
      await page.locator('.monaco-editor .view-lines', { hasText: 'CreateProcess' }).first().waitFor({ timeout: STEP_TIMEOUT });
      const file = await shot('workbench-with-notes');
      if (readmeShot) {
        fs.mkdirSync(path.dirname(readmeShot), { recursive: true });
        fs.copyFileSync(file, readmeShot);
      }
      return file;
    },
  },
  {
    name: 'Reset Simulation asks for confirmation, then restarts the machine',
    async run({ page, shot }) {
      await paneHeader(page, 'Processes').hover(); // view title actions show on hover
      await viewAction(page, 'Reset Simulation').first().click();
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      const message = await dialog.innerText();
      if (!/Reset the simulation/.test(message)) throw new Error(`unexpected dialog: ${message}`);
      const file = await shot('reset-confirmation');
      await dialog.getByRole('button', { name: 'Reset', exact: true }).click();
      await dialog.waitFor({ state: 'hidden', timeout: STEP_TIMEOUT });
      await page.locator('.statusbar-item', { hasText: 'Avail' }).first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      // The new machine booted: the Processes tree shows System again.
      await page.locator('.sidebar .monaco-list-row', { hasText: 'System' }).first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      return file;
    },
  },
];

function paneHeader(page, title) {
  return page.locator('.sidebar .pane-header', { has: page.locator('h3.title', { hasText: title }) }).first();
}

function welcome(page, text) {
  return page.locator('.sidebar .welcome-view-content', { hasText: text }).first();
}

/** An action in a view's title toolbar (they render only while their pane is hovered or focused, so check attachment). */
function viewAction(page, label) {
  return page.locator(`.sidebar .pane-header .actions a.action-label[aria-label^="${label}"]`);
}

async function assertCount(locator, expected, what) {
  const n = await locator.count();
  if (n !== expected) throw new Error(`${what}: expected ${expected}, found ${n}`);
}


