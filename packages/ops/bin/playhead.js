#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, resolving workspace packages to their sources, so
// the tool needs no build step. The child gets the terminal and its exit code is ours.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
// Resolved from this file, so `playhead` works from any working directory.
const tsx = import.meta.resolve('tsx');

const child = spawn(
  process.execPath,
  ['--conditions=source', '--import', tsx, cli, ...process.argv.slice(2)],
  { stdio: 'inherit' },
);

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => child.kill(signal));
}
child.on('exit', (code, signal) => {
  process.exit(code ?? (signal === 'SIGINT' ? 130 : 1));
});
