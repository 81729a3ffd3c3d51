// End-to-end: the NT Lab sidebar in the real workbench (code-server + Chromium). Exports `steps`;
// scripts/run-e2e.mjs runs it in a fresh code-server:
//   npm run test:e2e -- --only sidebar
// Screenshots go to test-results/e2e-sidebar/. Each step waits for what a user would see.

const STEP_TIMEOUT = 30_000;

export const steps = [
  {
    name: 'Start Simulation fills the Processes view with the booted process tree',
    async run({ page, shot }) {
      const container = page.locator('.activitybar .action-item [aria-label^="NT Lab"]').first();
      await container.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      await container.click();
      await paneHeader(page, 'Processes').waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      await runPaletteCommand(page, 'NT Lab: Start Simulation');
      await row(page, 'Processes', 'System').waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      await row(page, 'Processes', 'explorer.exe').waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      return shot('sidebar-processes');
    },
  },
  {
    name: 'a process expands to threads, handles, address space, working set, PEB, token and job; VADs list with their protection',
    async run({ page, shot }) {
      await expand(page, 'Processes', 'explorer.exe');
      await row(page, 'Processes', 'Threads').waitFor({ timeout: STEP_TIMEOUT });
      await expand(page, 'Processes', 'Address space (VADs)');
      await row(page, 'Processes', '0x').first().waitFor({ timeout: STEP_TIMEOUT });
      await expand(page, 'Processes', 'Threads');
      await row(page, 'Processes', 'Thread ').first().waitFor({ timeout: STEP_TIMEOUT });
      return shot('sidebar-process-expanded');
    },
  },
  {
    name: 'hovering a process shows its markdown tooltip (EPROCESS, working set, commit)',
    async run({ page, shot }) {
      await row(page, 'Processes', 'explorer.exe').hover();
      const hover = page.locator('.monaco-hover, .workbench-hover', { hasText: 'EPROCESS' }).first();
      await hover.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      const file = await shot('sidebar-tooltip');
      await page.mouse.move(700, 400);
      return file;
    },
  },
  {
    name: 'the Physical Memory view shows commit and the page lists; Standby opens to its eight priorities',
    async run({ page, shot }) {
      await collapsePane(page, 'Processes');
      await row(page, 'Physical Memory', 'Commit charge').waitFor({ timeout: STEP_TIMEOUT });
      await expand(page, 'Physical Memory', 'Standby');
      await row(page, 'Physical Memory', 'Priority 7').waitFor({ timeout: STEP_TIMEOUT });
      await expand(page, 'Physical Memory', 'Zeroed');
      await row(page, 'Physical Memory', '[').first().waitFor({ timeout: STEP_TIMEOUT });
      return shot('sidebar-physical-memory');
    },
  },
  {
    name: 'VirtualAlloc from the palette validates the address as you type, then allocates',
    async run({ page, shot }) {
      await runPaletteCommand(page, 'NT Lab: VirtualAlloc...', false);
      await pickQuick(page, 'explorer.exe');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      await input.fill('7ffe0000');
      const message = page.locator('.quick-input-widget .quick-input-message', { hasText: 'looks hexadecimal' });
      await message.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      const file = await shot('sidebar-input-validation');
      await input.fill('0');
      await page.keyboard.press('Enter');
      for (const [prompt, value] of [['Size in bytes', '64K'], ['flAllocationType', 'MEM_COMMIT | MEM_RESERVE'], ['flProtect', 'PAGE_READWRITE']]) {
        await page.locator('.quick-input-widget .quick-input-message', { hasText: prompt }).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
        await page.locator('.quick-input-widget input').fill(value);
        await page.keyboard.press('Enter');
      }
      await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: STEP_TIMEOUT });
      return file;
    },
  },
  {
    name: 'Show as dt on a VAD opens a read-only dt document beside',
    async run({ page, shot }) {
      await expandPane(page, 'Processes');
      const vad = row(page, 'Processes', '0x').first();
      await vad.waitFor({ timeout: STEP_TIMEOUT });
      await vad.click({ button: 'right' });
      const item = page.locator('.context-view .action-item', { hasText: 'Show as dt' }).first();
      await item.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      await shot('sidebar-context-menu');
      await item.hover();
      await item.click();
      await page.locator('.monaco-editor .view-lines', { hasText: 'dt nt!_MMVAD' }).first().waitFor({ timeout: STEP_TIMEOUT });
      return shot('sidebar-dt-document');
    },
  },
  {
    name: 'the inline "Show as dt" action on a process lays out its EPROCESS with real offsets',
    async run({ page, shot }) {
      const proc = row(page, 'Processes', 'explorer.exe');
      await proc.hover();
      await proc.locator('.action-label[aria-label="Show as dt"]').click();
      await page.locator('.monaco-editor .view-lines', { hasText: 'dt nt!_EPROCESS' }).first().waitFor({ timeout: STEP_TIMEOUT });
      await page.locator('.monaco-editor .view-lines', { hasText: 'UniqueProcessId' }).first().waitFor({ timeout: STEP_TIMEOUT });
      return shot('sidebar-dt-eprocess');
    },
  },
  {
    name: 'Ctrl+click on the underlined Peb field of the EPROCESS dump opens the PEB dump',
    async run({ page, shot }) {
      const editor = page.locator('.monaco-editor', { hasText: 'dt nt!_EPROCESS' }).first();
      const link = editor.locator('.view-lines span.detected-link', { hasText: /^Peb$/ }).first();
      await link.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      // As a user does it: hold Ctrl, then click where the link is. Monaco re-renders the span as
      // "active link" while Ctrl is held over it, so a locator click (which re-checks that very span
      // after pressing the modifier) keeps finding it detached; the mouse click at its box does not.
      const box = await link.boundingBox();
      if (!box) throw new Error('the Peb link has no box on screen');
      const modifier = process.platform === 'darwin' ? 'Meta' : 'Control';
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.keyboard.down(modifier);
      try { await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2); } finally { await page.keyboard.up(modifier); }
      await page.locator('.monaco-editor .view-lines', { hasText: 'dt nt!_PEB' }).first().waitFor({ timeout: STEP_TIMEOUT });
      await page.locator('.monaco-editor .view-lines', { hasText: 'ProcessParameters' }).first().waitFor({ timeout: STEP_TIMEOUT });
      return shot('sidebar-dt-peb-followed');
    },
  },
  {
    name: 'Decode PTE and PFN walks the four paging levels for the PEB of explorer.exe',
    async run({ page, shot }) {
      await runPaletteCommand(page, 'NT Lab: Decode PTE and PFN...', false);
      await pickQuick(page, 'explorer.exe');
      await page.locator('.quick-input-widget .quick-input-message', { hasText: 'Virtual address' }).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      await page.keyboard.press('Enter');
      await page.locator('.monaco-editor .view-lines', { hasText: 'PXE at' }).first().waitFor({ timeout: STEP_TIMEOUT });
      return shot('sidebar-pte-document');
    },
  },
  {
    name: 'the Sections view lists image sections by file name; ntdll.dll opens to its control area, segment, subsections and views',
    async run({ page, shot }) {
      await collapsePane(page, 'Processes');
      await collapsePane(page, 'Physical Memory');
      await expandPane(page, 'Sections');
      await row(page, 'Sections', 'ntdll.dll').waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      await expand(page, 'Sections', 'ntdll.dll');
      await row(page, 'Sections', 'Segment').waitFor({ timeout: STEP_TIMEOUT });
      await expand(page, 'Sections', 'Segment');
      await row(page, 'Sections', 'PTE 0').waitFor({ timeout: STEP_TIMEOUT });
      await row(page, 'Sections', 'PTE 1,').hover();
      await page.locator('.monaco-hover, .workbench-hover', { hasText: 'Prototype PTE 1' }).first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      const file = await shot('sidebar-sections');
      await page.mouse.move(700, 400);
      return file;
    },
  },
  {
    name: 'the Jobs view says there are no jobs yet on a booted machine',
    async run({ page, shot }) {
      await collapsePane(page, 'Sections');
      await expandPane(page, 'Jobs');
      await pane(page, 'Jobs').locator('.welcome-view-content', { hasText: 'No job objects yet' }).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      return shot('sidebar-jobs-empty');
    },
  },
  {
    name: 'from the palette: Create Job Object, Set Job Limits (validated as you type), Assign Process to Job; the Jobs view shows the job, its limits and its member',
    async run({ page, shot }) {
      await runPaletteCommand(page, 'NT Lab: Create Job Object...', false);
      await page.locator('.quick-input-widget .quick-input-message', { hasText: 'lpName' }).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      await page.locator('.quick-input-widget input').fill('LabJob');
      await page.keyboard.press('Enter');
      await row(page, 'Jobs', 'LabJob').waitFor({ state: 'visible', timeout: STEP_TIMEOUT });

      await runPaletteCommand(page, 'NT Lab: Set Job Limits...', false);
      await pickQuick(page, 'LabJob', 'Pick a job');
      const limitsPick = page.locator('.quick-input-widget input[placeholder^="LimitFlags"]');
      await limitsPick.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      const flags = ['JOB_OBJECT_LIMIT_ACTIVE_PROCESS', 'JOB_OBJECT_LIMIT_JOB_MEMORY'];
      for (const [i, flag] of flags.entries()) {
        // Clicking a row of a multi-select quick pick toggles its check box.
        await page.locator('.quick-input-widget .monaco-list-row', { hasText: flag }).first().locator('.quick-input-list-label').first().click();
        await page.locator('.quick-input-widget', { hasText: `${i + 1} Selected` }).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      }
      await page.locator('.quick-input-widget .monaco-button', { hasText: 'OK' }).first().click();
      await page.locator('.quick-input-widget .quick-input-message', { hasText: 'ActiveProcessLimit' }).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      await page.locator('.quick-input-widget input').fill('4');
      await page.keyboard.press('Enter');
      await page.locator('.quick-input-widget .quick-input-message', { hasText: 'JobMemoryLimit' }).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      const input = page.locator('.quick-input-widget input');
      await input.fill('64Q');
      await page.locator('.quick-input-widget .quick-input-message', { hasText: 'is not a number' }).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      await shot('sidebar-job-limit-validation');
      await input.fill('64M');
      await page.keyboard.press('Enter');
      await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: STEP_TIMEOUT });

      await runPaletteCommand(page, 'NT Lab: Assign Process to Job...', false);
      await pickQuick(page, 'LabJob', 'Pick a job');
      // The job's holder is explorer.exe (Medium integrity, the user's token): OpenProcess grants it its own
      // process, while a SYSTEM svchost is refused by that process's DACL, as on Windows.
      await pickQuick(page, 'explorer.exe');
      await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: STEP_TIMEOUT });

      await row(page, 'Jobs', 'LabJob').waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      await pane(page, 'Jobs').locator('.monaco-list-row[aria-label^="LabJob"] .label-description', { hasText: '1 active process' }).waitFor({ timeout: STEP_TIMEOUT });
      await expand(page, 'Jobs', 'LabJob');
      await expand(page, 'Jobs', 'Limits');
      await row(page, 'Jobs', 'JOB_OBJECT_LIMIT_JOB_MEMORY').waitFor({ timeout: STEP_TIMEOUT });
      await row(page, 'Jobs', 'explorer.exe').waitFor({ timeout: STEP_TIMEOUT });
      await page.mouse.move(700, 400);
      return shot('sidebar-jobs');
    },
  },
];

function pane(page, title) {
  return page.locator('.sidebar .pane', { has: page.locator('.pane-header h3.title', { hasText: title }) }).first();
}
function paneHeader(page, title) {
  return page.locator('.sidebar .pane-header', { has: page.locator('h3.title', { hasText: title }) }).first();
}
/** A tree row whose accessible label starts with `label`. */
function row(page, view, label) {
  return pane(page, view).locator(`.monaco-list-row[aria-label^="${label.replace(/"/g, '\\"')}"]`).first();
}
async function expand(page, view, label) {
  const r = row(page, view, label);
  await r.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  if ((await r.getAttribute('aria-expanded')) !== 'true') await r.locator('.monaco-tl-twistie').click();
}
async function collapsePane(page, title) {
  const header = paneHeader(page, title);
  if ((await header.getAttribute('aria-expanded')) === 'true') await header.click();
}
async function expandPane(page, title) {
  const header = paneHeader(page, title);
  if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
}
async function openPalette(page) {
  await page.locator('.monaco-workbench').click({ position: { x: 700, y: 5 } }).catch(() => {});
  await page.keyboard.press('F1');
  await page.locator('.quick-input-widget input').waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
}
async function runPaletteCommand(page, label, waitHidden = true) {
  await openPalette(page);
  await page.keyboard.type(label);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: label }).first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  await page.keyboard.press('Enter');
  if (waitHidden) await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: STEP_TIMEOUT });
}
async function pickQuick(page, text, placeholder = 'Pick a process') {
  const input = page.locator(`.quick-input-widget input[placeholder="${placeholder}"]`);
  await input.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  await input.fill(text);
  const r = page.locator('.quick-input-widget .monaco-list-row', { hasText: text }).first();
  await r.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  await page.keyboard.press('Enter');
}
