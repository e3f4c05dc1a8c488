// Runs mocha with the arguments it is given, unless none of the spec globs matches a file:
// then the tier has no tests yet, which it says, and it passes.
//
// Mocha 11 has no option for this: with no file at all it exits 1 ("No test files found").
// The globs are expanded by mocha's own option parser and file lookup, so "no file" here
// means exactly what it would mean to mocha.
//
//   node infra/mocha-tier.mjs --config .mocharc.cjs 'packages/**/test/**/*.unit.test.ts' ...
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { loadOptions } = require('mocha/lib/cli/options.js');
const lookupFiles = require('mocha/lib/cli/lookup-files.js');

const args = process.argv.slice(2);
const options = loadOptions(args);
const specs = [...(options.spec ?? []), ...options._].map(String);

function matches(spec) {
  try {
    return lookupFiles(spec, options.extension ?? ['js'], options.recursive ?? false).length > 0;
  } catch (error) {
    if (error.code === 'ERR_MOCHA_NO_FILES_MATCH_PATTERN') return false;
    throw error;
  }
}

if (specs.length > 0 && !specs.some(matches)) {
  console.log(`mocha-tier: no test file matches ${specs.join(' ')}; nothing to run.`);
  process.exit(0);
}

const mocha = require.resolve('mocha/bin/mocha.js');
const { status, signal } = spawnSync(process.execPath, [mocha, ...args], { stdio: 'inherit' });
process.exit(status ?? (signal ? 1 : 0));
