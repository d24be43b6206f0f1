// The same walk as cat-hostname.e2e.mjs (F9 on read's `syscall`, F5, F11 into entry_SYSCALL_64,
// panes, step out to rax = 7, stop), with Ringstep forced into code-server's WEB WORKER extension
// host, so the package.json "browser" entry (dist/browser.js: inline debug adapter, sources read
// through vscode.workspace.fs, in-process language features) is what runs.
//
// How the web worker host is forced: the user setting
//   "remote.extensionKind": { "ringstep.ringstep": ["ui"] }
// In a browser workbench there is no local Node extension host, so a "ui" extension cannot run
// locally; VS Code's web workbench then adds "web" to the kinds of an extension that has a
// "browser" entry and, with no preference for the remote host, picks the local web worker host
// (extensionManifestPropertiesService.getExtensionKind + the browser extension service's
// pickRunningLocation). Without the setting our manifest deduces ["workspace", "web"] and code-server
// runs the "main" entry in its remote Node host. run-all.mjs writes the setting into the user
// settings before code-server starts (writeWebWorkerSettings below).
//
// Proof that it really ran there: the extension itself reports, at run time, the global object it
// sees (a web worker's is a DedicatedWorkerGlobalScope) in the ring status bar item's tooltip and
// the "Ringstep" output channel; this test reads the tooltip at the first stop, and also shows
// `Developer: Show Running Extensions` in a screenshot.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { runE2E } from './cat-hostname.e2e.mjs';

export const EXTENSION_ID = 'ringstep.ringstep';

/** Write the user settings that force the web worker host, into code-server's --user-data-dir. */
export function writeWebWorkerSettings(userDataDir) {
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({
    'remote.extensionKind': { [EXTENSION_ID]: ['ui'] },
  }, null, 2));
}

async function runCommand(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row').first().waitFor();
  await page.waitForTimeout(300);
  // Enter through CDP: Playwright's press('Enter') can leak a newline into the editor (see
  // real-vscode-here.md)
  const cdp = await page.context().newCDPSession(page);
  const key = { key: 'Enter', code: 'Enter', windowsVirtualKeyCode: 13, nativeVirtualKeyCode: 13 };
  await cdp.send('Input.dispatchKeyEvent', { type: 'rawKeyDown', ...key });
  await cdp.send('Input.dispatchKeyEvent', { type: 'char', text: '\r' });
  await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', ...key });
  await cdp.detach();
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/** Hover the ring status bar item and return its tooltip's text (it ends with where Ringstep runs). */
export async function ringTooltip(page) {
  const item = page.locator('.statusbar-item', { hasText: 'Ring' }).first();
  for (let attempt = 0; attempt < 5; attempt++) {
    await page.mouse.move(5, 5);
    await page.waitForTimeout(300);
    await item.hover();
    const hover = page.locator('.workbench-hover, .monaco-hover').filter({ hasText: 'Ringstep runs in' }).first();
    try {
      await hover.waitFor({ state: 'visible', timeout: 3000 });
      return (await hover.innerText()).replace(/\s+/g, ' ').trim();
    } catch { /* hover delay or lost: try again */ }
  }
  return '';
}

/** The control for the default walk: without the setting, code-server runs the desktop entry. */
export async function expectNodeHost(page, shot) {
  const tooltip = await ringTooltip(page);
  console.log(`  ring status tooltip: ${tooltip}`);
  await page.mouse.move(5, 500);
  assert.match(tooltip, /Node extension host \(desktop entry; global scope Object\)/, 'the default install runs the desktop entry');
}

export async function runWebWorkerE2E(options) {
  let tooltip = '';
  const shots = await runE2E({
    ...options,
    shotPrefix: 'web-',
    atFirstStop: async (page, shot) => {
      tooltip = await ringTooltip(page);
      console.log(`  ring status tooltip: ${tooltip}`);
      await shot('02b-tooltip-web-worker-host');
      await page.mouse.move(5, 500);
      assert.match(tooltip, /web worker extension host \(browser entry; global scope DedicatedWorkerGlobalScope\)/,
        'the extension reports that it runs in the web worker extension host');
      // what VS Code itself says about where the extension runs
      await runCommand(page, 'Developer: Show Running Extensions');
      const row = page.locator('.runtime-extensions-editor .monaco-list-row', { hasText: 'Ringstep' }).first();
      await row.waitFor({ timeout: 30_000 });
      const rowText = (await row.innerText()).replace(/\s+/g, ' ').trim();
      console.log(`  Running Extensions row: ${rowText}`);
      await shot('02c-running-extensions');
      assert.match(rowText, /Ringstep.*web worker/i, 'Running Extensions lists Ringstep in the web worker host');
      // back to cat.s for the rest of the walk (the editor opens as a modal overlay: Escape closes it)
      await page.keyboard.press('Escape');
      await page.locator('.runtime-extensions-editor').waitFor({ state: 'hidden', timeout: 10_000 })
        .catch(() => runCommand(page, 'View: Close Editor'));
      await page.locator('.runtime-extensions-editor').waitFor({ state: 'hidden', timeout: 10_000 });
      await page.locator('.monaco-editor .view-lines', { hasText: 'read_loop' }).first().waitFor({ timeout: 30_000 });
    },
  });
  return { shots, tooltip };
}
