// Shared moves of the e2e scenarios in the real workbench (code-server + Chromium).

/** How long one UI step may take before the scenario fails. */
export const STEP_TIMEOUT = 30_000;

/** Opens the command palette (F1) with the workbench focused. */
export async function openPalette(page) {
  await page.locator('.monaco-workbench').click({ position: { x: 700, y: 5 } }).catch(() => {});
  await page.keyboard.press('F1');
  await page.locator('.quick-input-widget input').waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
}

/** Runs a palette command by its label; waits for the palette to close unless the command asks for more input. */
export async function runPaletteCommand(page, label, waitHidden = true) {
  // The palette lists the commands known when it opens: right after the workbench loads, the
  // extensions' contributions may not be read yet, so a palette opened too early is closed and
  // opened again (within the step's time), rather than waited on forever.
  const deadline = Date.now() + STEP_TIMEOUT;
  for (;;) {
    await openPalette(page);
    await page.keyboard.type(label);
    const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: label }).first();
    const left = deadline - Date.now();
    const found = await row.waitFor({ state: 'visible', timeout: Math.max(1000, Math.min(10000, left)) }).then(() => true, () => false);
    if (found) break;
    if (Date.now() >= deadline) throw new Error(`the command palette never listed "${label}"`);
    await page.keyboard.press('Escape');
  }
  await page.keyboard.press('Enter');
  if (waitHidden) await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: STEP_TIMEOUT });
}

/** The frame of the webview whose <h1> reads `title` (webviews are nested iframes). */
export async function panelFrame(page, title) {
  const deadline = Date.now() + STEP_TIMEOUT;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      const h1 = await frame.locator('main#app h1').first().textContent({ timeout: 200 }).catch(() => null);
      if (h1 === title) return frame;
    }
    await page.waitForTimeout(200);
  }
  throw new Error(`no webview titled "${title}"`);
}
