// End-to-end: a kernel-debugger session in the real workbench (code-server + Chromium), as the
// README shows it: open the console, list the processes, switch to explorer.exe, read its PEB and
// decode the PTE that maps it. Exports `steps`; scripts/run-e2e.mjs runs it in a fresh code-server:
//   npm run test:e2e -- --only kd [--update-readme-shot]
// Screenshots go to test-results/e2e-kd/; with --update-readme-shot the last one also refreshes
// media/screenshots/kernel-debugger.png.
import fs from 'node:fs';
import path from 'node:path';
import { runPaletteCommand, STEP_TIMEOUT } from './workbench-lib.mjs';

export const viewport = { width: 1400, height: 900 };
// The DOM renderer keeps the terminal's rows as text the steps can wait for (the GPU renderers draw to a canvas).
export const settings = { 'terminal.integrated.gpuAcceleration': 'off', 'terminal.integrated.fontSize': 13 };

/** The terminal's visible rows as text. */
async function terminalText(page) {
  return (await page.locator('.terminal-wrapper.active .xterm-rows').first().innerText().catch(() => '')).replace(/\u00a0/g, ' ');
}

/** Waits until the visible rows match `re`. */
async function waitForTerminal(page, re, what) {
  const deadline = Date.now() + STEP_TIMEOUT;
  for (;;) {
    const text = await terminalText(page);
    if (re.test(text)) return text;
    if (Date.now() > deadline) throw new Error(`${what}: not in the terminal after ${STEP_TIMEOUT / 1000} s; it shows:\n${text.slice(-1500)}`);
    await page.waitForTimeout(200);
  }
}

/** Types one debugger command and waits for the prompt after its output. */
async function kd(page, line, until, what) {
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
  return waitForTerminal(page, until, what);
}

export const steps = [
  {
    name: 'Start Simulation, then Open Kernel Debugger shows the kd prompt in a terminal',
    async run({ page, shot }) {
      await runPaletteCommand(page, 'NT Lab: Start Simulation');
      await page.locator('.statusbar-item', { hasText: 'Avail' }).first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      await runPaletteCommand(page, 'NT Lab: Open Kernel Debugger');
      await waitForTerminal(page, /0: kd>/, 'the prompt');
      await runPaletteCommand(page, 'View: Toggle Maximized Panel');
      await page.locator('.terminal-wrapper.active .xterm').first().click();
      return shot('kd-prompt');
    },
  },
  {
    name: '!process 0 0 lists the processes; .process switches to explorer.exe',
    async run({ page, shot }) {
      await kd(page, '!process 0 0 explorer.exe', /Image: explorer\.exe[\s\S]*0: kd>\s*$/, '!process 0 0 explorer.exe');
      const text = await terminalText(page);
      const eprocess = /PROCESS ([0-9a-f]{16})\s*\n[^\n]*\n[^\n]*\n\s*Image: explorer\.exe/.exec(text)?.[1];
      if (!eprocess) throw new Error(`no explorer.exe PROCESS line in:\n${text.slice(-1500)}`);
      await kd(page, '.cls', /^\s*0: kd>\s*$/, '.cls');
      await kd(page, '!process 0 0', /Image: explorer\.exe[\s\S]*0: kd>\s*$/, '!process 0 0');
      await kd(page, `.process /p /r ${eprocess}`, new RegExp(`Implicit process is now ${eprocess.slice(0, 8)}\`${eprocess.slice(8)}`), '.process');
      return shot('kd-process');
    },
  },
  {
    name: '!peb shows explorer.exe\'s loader list; !pte @$peb decodes the page that holds it (README screenshot)',
    async run({ page, shot, readmeShot }) {
      await kd(page, '!peb', /ImageFile:\s+'[^']*explorer\.exe'[\s\S]*0: kd>\s*$/, '!peb');
      await kd(page, '!pte @$peb', /PXE at[\s\S]*PTE at[\s\S]*0: kd>\s*$/, '!pte @$peb');
      const file = await shot('kernel-debugger');
      if (readmeShot) fs.copyFileSync(file, path.join(path.dirname(readmeShot), 'kernel-debugger.png'));
      return file;
    },
  },
];
