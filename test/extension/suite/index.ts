// The @vscode/test-electron contract: export run(), resolve when every test passed, reject otherwise.
// Under code-server the runner loads this file through the payload route (extensionTestsPath).
import Mocha from 'mocha';
import * as path from 'node:path';
import * as fs from 'node:fs';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec' });
  const grep = process.env.RINGSTEP_TEST_GREP;
  if (grep) mocha.grep(grep);
  for (const f of fs.readdirSync(__dirname).sort()) {
    if (f.endsWith('.test.js')) mocha.addFile(path.join(__dirname, f));
  }
  return new Promise((resolve, reject) => {
    try {
      mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} test(s) failed`)) : resolve()));
    } catch (e) {
      reject(e);
    }
  });
}
