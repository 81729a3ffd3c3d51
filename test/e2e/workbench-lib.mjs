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
  await openPalette(page);
  await page.keyboard.type(label);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: label }).first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
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
