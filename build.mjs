// Bundles every entry point with esbuild. Type checking is separate (`npm run typecheck`).
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';

const entries = [
  // [entry file, output file, platform]
  ['emulator/cli.ts', 'dist/cli.js', 'node'],
  ['debug-adapter/main.ts', 'dist/debugAdapter.js', 'node'],
  ['extension/extension.ts', 'dist/extension.js', 'node'],
  ['extension/server/server.ts', 'dist/languageServer.js', 'node'],
  ['extension/browser.ts', 'dist/browser.js', 'browser'],
];

const watch = process.argv.includes('--watch');
for (const [entry, outfile, platform] of entries) {
  if (!existsSync(entry)) continue; // layers arrive one issue at a time
  const options = {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform,
    format: 'cjs',
    target: platform === 'node' ? 'node20' : 'es2022',
    sourcemap: true,
    external: ['vscode'],
    logLevel: 'warning',
    // the web extension host has no Node built-ins; @vscode/debugadapter needs these two
    alias: platform === 'browser' ? { events: './extension/shims/events.ts', url: './extension/shims/url.ts' } : undefined,
  };
  if (watch) await (await esbuild.context(options)).watch();
  else await esbuild.build(options);
}
