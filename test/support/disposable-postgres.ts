import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './free-port.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');

/**
 * A PostgreSQL server of a test's own, on a free port with its data in a temp folder, so
 * a test can stop and start it without touching the shared one at 5432.
 */
export interface DisposablePostgres {
  readonly port: number;
  /** `postgres://postgres@127.0.0.1:<port>/playhead`, migrated. */
  readonly url: string;
  /** `fast` ends sessions cleanly; `immediate` is a crash (no checkpoint, recovery on start). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and deletes its folder. */
  destroy(): Promise<void>;
}

/** The newest installed server's bin folder, as Debian lays it out. */
function binDir(): string {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base)
    ? readdirSync(base)
        .filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) {
    throw new Error(
      `no PostgreSQL server binaries under ${base}/*/bin (apt-get install postgresql)`,
    );
  }
  return join(base, versions[0]!, 'bin');
}

/** initdb refuses root: as root, the server's commands run as the postgres user. */
async function asServerUser(): Promise<{
  wrap: (cmd: string, args: string[]) => string[];
  uid?: number;
  gid?: number;
}> {
  if (process.getuid?.() !== 0) return { wrap: (cmd, args) => [cmd, ...args] };
  const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
  const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
  return { wrap: (cmd, args) => ['runuser', '-u', 'postgres', '--', cmd, ...args], uid, gid };
}

export async function startDisposablePostgres(): Promise<DisposablePostgres> {
  const bin = binDir();
  const user = await asServerUser();
  const dir = mkdtempSync(join(tmpdir(), 'playhead-pg-'));
  if (user.uid !== undefined) chownSync(dir, user.uid, user.gid!);
  const data = join(dir, 'data');
  const log = join(dir, 'server.log');
  const port = await freePort();

  const exec = async (cmd: string, args: string[]) => {
    const [file, ...rest] = user.wrap(join(bin, cmd), args);
    try {
      return await run(file!, rest, { cwd: dir, timeout: 60_000 });
    } catch (error) {
      const e = error as { stderr?: string; stdout?: string };
      throw new Error(`${cmd} failed: ${e.stderr || e.stdout || (error as Error).message}`);
    }
  };

  await exec('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync']);
  // Durability of this throwaway server does not matter; speed on a shared machine does.
  const options = `-p ${port} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=60`;
  const start = async () => {
    await exec('pg_ctl', ['-D', data, '-l', log, '-w', '-t', '30', '-o', options, 'start']);
  };
  await start();

  const admin = new pg.Client({
    connectionString: `postgres://postgres@127.0.0.1:${port}/postgres`,
  });
  await admin.connect();
  await admin.query('CREATE DATABASE playhead');
  await admin.end();
  const url = `postgres://postgres@127.0.0.1:${port}/playhead`;
  await run(
    process.execPath,
    [
      join(ROOT, 'node_modules/node-pg-migrate/bin/node-pg-migrate.js'),
      '-m',
      'migrations',
      '-j',
      'sql',
      'up',
    ],
    { cwd: ROOT, env: { ...process.env, DATABASE_URL: url }, timeout: 60_000 },
  );

  let running = true;
  return {
    port,
    url,
    async stop(mode = 'fast') {
      if (!running) return;
      await exec('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '30', 'stop']);
      running = false;
    },
    async start() {
      if (running) return;
      await start();
      running = true;
    },
    async destroy() {
      if (running)
        await exec('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      running = false;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
