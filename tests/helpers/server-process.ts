import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { childEnv, root } from './child.ts';

/** A port nobody listens on now (the kernel's pick, released at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * The Node server (workers/node.ts) as a child process, as `npm start` runs it,
 * with what it prints kept and waited on: `waitFor` resolves when a pattern
 * shows in the output (never on a timer), `exited` when the process ends.
 */
export function startServerProcess(env: Record<string, string | undefined>) {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'workers/node.ts'], { cwd: root, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const watchers: Array<{ pattern: RegExp; resolve: () => void }> = [];
  const onData = (d: Buffer) => {
    output += d.toString('utf8');
    for (const w of [...watchers]) {
      if (w.pattern.test(output)) {
        watchers.splice(watchers.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return {
    child,
    exited,
    output: () => output,
    /** Resolves once the output matches; rejects if the process ends first. */
    waitFor(pattern: RegExp): Promise<void> {
      if (pattern.test(output)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        watchers.push({ pattern, resolve });
        void exited.then(({ code, signal }) => reject(new Error(`server exited (${code ?? signal}) before ${pattern}:\n${output}`)));
      });
    },
    /** The parsed JSON log lines. */
    logLines: () =>
      output
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { level: string; msg: string; [k: string]: unknown }),
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/**
 * An empty PostgreSQL database of the caller's own beside the one under test
 * (which it names), for a child process that migrates it and runs jobs over
 * every row: on the shared database it would act on other files' rows.
 */
export async function ownPostgresDatabase(sharedUrl: string, label: string): Promise<{ url: string; drop(): Promise<void> }> {
  const { connectPostgres } = await import('../../db/client.ts');
  const { sql } = await import('drizzle-orm');
  const name = `hotline_${label}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = connectPostgres(sharedUrl, { max: 1 });
  await admin.db.execute(sql.raw(`CREATE DATABASE ${name}`));
  const target = new URL(sharedUrl);
  target.pathname = `/${name}`;
  return {
    url: target.toString(),
    async drop() {
      await admin.db.execute(sql.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      await admin.close();
    },
  };
}
