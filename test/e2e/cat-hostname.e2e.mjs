// The end-to-end UI test: a person's walk through cat-hostname in VS Code (code-server in headless
// Chromium, the packaged .vsix installed): open cat.s, F9 on read's `syscall`, F5, F11 into the
// kernel, read the Call Stack, Variables and Watch panes, step out, stop. A screenshot of each
// moment goes to test/e2e/screenshots/ (git-ignored) for a person to look at.
//
// Called by test/extension/run-all.mjs with a running code-server; can also run alone against one:
//   node test/e2e/cat-hostname.e2e.mjs http://127.0.0.1:PORT /path/to/workspace-copy-of-samples

import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';

const STEP_TIMEOUT = 60_000;

// `shotPrefix` names the screenshots of a variant run (e.g. 'web-'); `atFirstStop(page, shot)` runs
// extra checks once the session has stopped in user code (test/e2e/web-worker.e2e.mjs uses both).
export async function runE2E({ url, workspace, chromium: executablePath = '/usr/bin/chromium', browserArgs = [], profile, screenshots, shotPrefix = '', atFirstStop }) {
  const { chromium } = await import('playwright-core');
  mkdirSync(screenshots, { recursive: true });
  rmSync(profile, { recursive: true, force: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath, headless: true, args: browserArgs, viewport: { width: 1600, height: 1000 },
  });
  const page = context.pages()[0] ?? await context.newPage();
  const shots = [];
  const shot = async (name) => {
    const file = join(screenshots, `${shotPrefix}${name}.png`);
    await page.screenshot({ path: file });
    shots.push(file);
    console.log(`  screenshot ${file}`);
  };
  const cdp = await context.newCDPSession(page);
  const rawEnter = async () => {
    // Playwright's press('Enter') can leak a newline into the editor once focus moves: send the
    // key through CDP instead (see real-vscode-here.md)
    await cdp.send('Input.dispatchKeyEvent', { type: 'rawKeyDown', key: 'Enter', code: 'Enter', windowsVirtualKeyCode: 13, nativeVirtualKeyCode: 13 });
    await cdp.send('Input.dispatchKeyEvent', { type: 'char', text: '\r' });
    await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key: 'Enter', code: 'Enter', windowsVirtualKeyCode: 13, nativeVirtualKeyCode: 13 });
  };
  const runCommand = async (title) => {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    await page.locator('.quick-input-list .monaco-list-row').first().waitFor();
    await page.waitForTimeout(300);
    await rawEnter();
  };
  const statusText = () => page.locator('.statusbar-item', { hasText: 'Ring' }).first().innerText().catch(() => '');
  // a person waits for the step to finish before pressing again: the toolbar's step button is
  // disabled while the program runs
  const pausedAgain = async () => {
    await page.waitForTimeout(150);
    await page.waitForFunction(() => {
      const b = document.querySelector('.debug-toolbar .action-label.codicon-debug-step-over');
      return !!b && !b.classList.contains('disabled') && b.getAttribute('aria-disabled') !== 'true';
    }, null, { timeout: STEP_TIMEOUT });
    await page.waitForTimeout(250);
  };
  const callStack = async () => (await page.locator('.debug-call-stack .monaco-list-row').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());

  try {
    const started = Date.now();
    await page.goto(`${url}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: STEP_TIMEOUT });
    await page.locator('.explorer-folders-view, .explorer-viewlet').first().waitFor({ timeout: STEP_TIMEOUT }).catch(() => undefined);
    console.log(`  workbench ready in ${Date.now() - started} ms`);
    // code-server opens an empty secondary side bar (chat): close it, it only takes room
    await page.waitForTimeout(1000);
    if (await page.locator('.part.auxiliarybar').isVisible().catch(() => false)) await runCommand('View: Hide Secondary Side Bar').catch(() => undefined);
    await page.keyboard.press('Escape');

    // open cat.s from the Explorer, as a person would
    await page.waitForTimeout(1000);
    const row = (name) => page.locator(`.explorer-folders-view .monaco-list-row[aria-label="${name}"]`).first();
    await row('cat-hostname').click();
    await row('cat.s').click();
    await page.locator('.monaco-editor .view-lines', { hasText: 'read_loop' }).first().waitFor({ timeout: STEP_TIMEOUT });

    // the line of read's syscall: the first `syscall` after `read_loop:`
    const lines = readFileSync(join(workspace, 'cat-hostname', 'cat.s'), 'utf8').split('\n');
    const loop = lines.findIndex((l) => /^read_loop:/.test(l));
    const syscallLine = lines.findIndex((l, i) => i > loop && /^\s+syscall\b/.test(l)) + 1;
    await page.locator('.monaco-editor textarea').first().focus();
    await page.keyboard.press('Control+G');
    await page.locator('.quick-input-widget input').waitFor({ state: 'visible' });
    await page.keyboard.type(String(syscallLine));
    await rawEnter();
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    // F9, once the editor has the focus back (retry: the quick input may still hold it)
    for (let attempt = 0; attempt < 5; attempt++) {
      await page.waitForTimeout(500);
      if (await page.locator('.codicon-debug-breakpoint').count()) break;
      await page.keyboard.press('F9');
      try {
        await page.locator('.codicon-debug-breakpoint').first().waitFor({ timeout: 3000 });
        break;
      } catch {
        await page.locator('.monaco-editor textarea').first().focus();
      }
    }
    await page.locator('.codicon-debug-breakpoint').first().waitFor({ timeout: STEP_TIMEOUT });
    // the inlay hint after the syscall names the call (the language server is up)
    await page.waitForFunction(() => [...document.querySelectorAll('.monaco-editor .view-line')].some((e) => /syscall\s*read\s*$/.test((e.textContent ?? '').replace(/\u00a0/g, ' '))), null, { timeout: STEP_TIMEOUT });
    await shot('01-breakpoint-on-read-syscall');

    // F5: the first configuration in samples/.vscode/launch.json is cat-hostname
    await runCommand('View: Show Run and Debug');
    await page.waitForTimeout(500);
    await page.keyboard.press('F5');
    await page.locator('.debug-toolbar').waitFor({ timeout: STEP_TIMEOUT });
    await page.locator('.debug-top-stack-frame-line').first().waitFor({ timeout: STEP_TIMEOUT });
    await page.waitForFunction(() => [...document.querySelectorAll('.statusbar-item')].some((e) => e.textContent?.includes('Ring 3')), null, { timeout: STEP_TIMEOUT });
    const stack1 = await callStack();
    console.log(`  stopped in user code; call stack: ${JSON.stringify(stack1)}; status: ${await statusText()}`);
    await shot('02-stopped-on-syscall-ring3');
    if (atFirstStop) await atFirstStop(page, shot);

    // F11 into the kernel
    await page.keyboard.press('F11');
    await page.waitForFunction(() => [...document.querySelectorAll('.debug-call-stack .monaco-list-row')].some((e) => e.textContent?.includes('entry_SYSCALL_64')), null, { timeout: STEP_TIMEOUT });
    await page.waitForFunction(() => [...document.querySelectorAll('.statusbar-item')].some((e) => e.textContent?.includes('Ring 0')), null, { timeout: STEP_TIMEOUT });
    const stack2 = await callStack();
    console.log(`  stepped in; call stack: ${JSON.stringify(stack2)}; status: ${await statusText()}`);
    assert.ok(stack2.some((t) => /entry_SYSCALL_64/.test(t)), 'entry_SYSCALL_64 on the call stack');
    assert.ok(stack2.some((t) => /SYSCALL|ring 3/i.test(t) && !/entry_SYSCALL_64/.test(t)), 'the ring-boundary label on the call stack');
    assert.ok(stack2.some((t) => /main/.test(t)), 'user frame main on the call stack');
    await shot('03-stepped-into-entry_SYSCALL_64');

    // Variables: expand the scopes (Registers, pt_regs)
    const variables = page.locator('.debug-variables .monaco-list-row');
    await variables.first().waitFor({ timeout: STEP_TIMEOUT });
    for (const name of ['Registers', 'pt_regs']) {
      const row = page.locator('.debug-variables .monaco-list-row', { hasText: name }).first();
      if (await row.count() && (await row.getAttribute('aria-expanded')) === 'false') await row.click();
    }

    // Watch: $cpl, pt_regs->orig_ax, rax
    for (const expr of ['$cpl', 'pt_regs->orig_ax', 'rax']) {
      const header = page.locator('.pane-header', { hasText: 'Watch' }).first();
      if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
      await header.hover();
      await header.locator('.action-label[aria-label="Add Expression"]').click();
      await page.keyboard.type(expr);
      await rawEnter();
      await page.waitForTimeout(500);
    }
    const watch = async () => (await page.locator('.debug-watch .monaco-list-row').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    await page.waitForFunction(() => [...document.querySelectorAll('.debug-watch .monaco-list-row')].some((e) => /\$cpl\s*=?\s*0x0\b/.test(e.textContent ?? '')), null, { timeout: STEP_TIMEOUT });
    console.log(`  watch on entry: ${JSON.stringify(await watch())}`);

    // F10 through entry_SYSCALL_64 until pt_regs->orig_ax has been pushed (it holds 0: read)
    const origAxIsRead = () => page.evaluate(() => [...document.querySelectorAll('.debug-watch .monaco-list-row')].some((e) => /orig_ax\s*=?\s*0x0\b/.test(e.textContent ?? '')));
    let steps = 0;
    for (; steps < 40 && !(await origAxIsRead()); steps++) {
      await page.keyboard.press('F10');
      await pausedAgain();
    }
    // VS Code re-renders the Variables view on a delayed scheduler after each stop, and a request
    // it sent for the previous stop may have reached the adapter while the next step ran (answered
    // "the program is running"); so wait for the view to show this stop's registers (rsp on the kernel stack) before reading.
    await page.waitForFunction(() => [...document.querySelectorAll('.debug-variables .monaco-list-row')].some((e) => /^\s*rsp\s*[:=]?\s*0xffff/.test(e.textContent ?? '')), null, { timeout: STEP_TIMEOUT }).catch(() => {});
    const watch1 = await watch();
    const vars = (await variables.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    console.log(`  after ${steps} steps: watch ${JSON.stringify(watch1)}; variables ${JSON.stringify(vars.slice(0, 40))}`);
    assert.ok(vars.some((t) => /^rax = 0x/.test(t)), 'rax in Variables');
    assert.ok(vars.some((t) => /^rsp = 0xffff/.test(t)), 'rsp in Variables is on the kernel stack once pt_regs is pushed');
    assert.ok(await origAxIsRead(), 'pt_regs->orig_ax = 0 (read) once pushed');
    // give the Syscall Path view room: fold the Breakpoints and Loaded Scripts panes
    for (const pane of ['Breakpoints', 'Loaded Scripts']) {
      const h = page.locator('.pane-header', { hasText: pane }).first();
      if ((await h.count()) && (await h.getAttribute('aria-expanded')) === 'true') await h.click();
    }
    await shot('04-kernel-variables-watch');

    // the Syscall Path view: fold Variables and Call Stack so it has room, read its current stage
    for (const pane of ['Variables', 'Watch', 'Call Stack']) {
      const h = page.locator('.pane-header', { hasText: pane }).first();
      if ((await h.getAttribute('aria-expanded')) === 'true') await h.click();
    }
    await runCommand('Ringstep: Show Syscall Path');
    const view = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await view.locator('.stage.current').waitFor({ timeout: STEP_TIMEOUT });
    const current = await view.locator('.stage.current').getAttribute('data-stage');
    console.log(`  Syscall Path view highlights: ${current}`);
    assert.equal(current, 'entry');
    await page.waitForTimeout(500);
    await shot('05-syscall-path-view');
    for (const pane of ['Variables', 'Watch', 'Call Stack']) {
      const h = page.locator('.pane-header', { hasText: pane }).first();
      if ((await h.getAttribute('aria-expanded')) === 'false') await h.click();
    }

    // Shift+F11 until ring 3
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press('Shift+F11');
      await pausedAgain();
      // the status bar follows the stop a little later; give it time before pressing again, or an
      // extra Shift+F11 in ring 3 would step out of main and run on to the next breakpoint
      const inUser = await page.waitForFunction(() => [...document.querySelectorAll('.statusbar-item')].some((e) => e.textContent?.includes('Ring 3')), null, { timeout: 5000 }).then(() => true, () => false);
      if (inUser) break;
    }
    await page.waitForFunction(() => [...document.querySelectorAll('.statusbar-item')].some((e) => e.textContent?.includes('Ring 3')), null, { timeout: STEP_TIMEOUT });
    await page.waitForFunction(() => [...document.querySelectorAll('.debug-watch .monaco-list-row')].some((e) => /^\s*rax\s*[:=]?\s*0x7\b/.test(e.textContent ?? '')), null, { timeout: STEP_TIMEOUT });
    const watch2 = await watch();
    console.log(`  watch back in user mode: ${JSON.stringify(watch2)}; stack: ${JSON.stringify(await callStack())}`);
    await shot('06-stepped-out-ring3-rax7');

    // the Syscall Path view again: read's instructions per stage (the adapter's profile), as bars
    for (const pane of ['Variables', 'Watch', 'Call Stack']) {
      const h = page.locator('.pane-header', { hasText: pane }).first();
      if ((await h.getAttribute('aria-expanded')) === 'true') await h.click();
    }
    await runCommand('Ringstep: Show Syscall Path');
    const pathView = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await pathView.locator('.sum-name', { hasText: 'read()' }).waitFor({ timeout: STEP_TIMEOUT });
    const summaryText = (await pathView.locator('.summary').innerText()).replace(/\s+/g, ' ').trim();
    const bars = await pathView.locator('.stage .meter').count();
    console.log(`  Syscall Path summary: ${summaryText}; ${bars} stage bars; highlights ${await pathView.locator('.stage.current').getAttribute('data-stage')}`);
    assert.match(summaryText, /read\(\) \d+ instructions in ring 0/);
    assert.ok(bars >= 6, 'a bar for each kernel stage read went through');
    assert.ok((await pathView.locator('.stage.st-copy .meter').count()) === 1, 'copy_to_user has a bar');
    await page.waitForTimeout(300);
    await shot('06b-syscall-path-read-profile');

    // stop
    await page.keyboard.press('Shift+F5');
    await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: STEP_TIMEOUT });
    await shot('07-session-stopped');
    return shots;
  } catch (e) {
    await shot('99-failure').catch(() => undefined);
    throw e;
  } finally {
    await context.close().catch(() => undefined);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [url, workspace] = process.argv.slice(2);
  runE2E({
    url, workspace, profile: join(process.cwd(), '.tmp', 'extension', 'e2e-profile'),
    screenshots: join(process.cwd(), 'test', 'e2e', 'screenshots'),
    browserArgs: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  }).then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
}
