// The stage table lives with the debug adapter (debug-adapter/stages.ts, no vscode import) so the
// adapter's per-stage instruction counts and the Syscall Path view use one name → stage mapping.
export * from '../debug-adapter/stages';
