// infra/stack.sh up must be safe to run at any time: on a running stack it changes nothing.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { REPO_ROOT } from './env.js';

const run = promisify(execFile);
const STACK = join(REPO_ROOT, 'infra/stack.sh');

function pids(): Record<string, string> {
  const read = (component: string) =>
    readFileSync(join(REPO_ROOT, '.stack', `${component}.pid`), 'utf8').trim();
  return { kafka: read('kafka'), registry: read('registry') };
}

describe('infra/stack.sh', function () {
  this.timeout(60_000);

  it('up on a running stack exits 0 and keeps the same processes', async () => {
    await run('bash', [STACK, 'status']).catch((error: { stdout?: string }) => {
      throw new Error(`the stack must be up for this test (npm run stack:up):\n${error.stdout}`);
    });
    const before = pids();

    const { stdout } = await run('bash', [STACK, 'up']);

    expect(stdout).to.match(/already running/);
    expect(pids()).to.deep.equal(before);
    for (const pid of Object.values(before)) {
      expect(() => process.kill(Number(pid), 0), `process ${pid} alive`).to.not.throw();
    }
  });
});
