import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

export interface E2eContext {
  /** Why the browser tests skip, or '' when the server and the browser are ready. */
  skipReason: string;
  baseUrl: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    e2e: E2eContext;
  }
}

export const CHROMIUM = '/usr/bin/chromium';
const root = fileURLToPath(new URL('../..', import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForHealth(baseUrl: string, server: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the server exited with code ${server.exitCode}; see tests/artifacts/e2e-server.log`);
    try {
      const res = await fetch(`${baseUrl}/api/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the server did not answer /api/health within ${timeoutMs / 1000} s`);
}

/**
 * Builds the site if it is stale, then starts the real Node server (the one
 * `npm start` runs) on a free port with a fresh embedded database in a temp
 * folder and the demo staff. Without Debian's chromium the tests skip, and say why.
 */
export default async function setup(project: TestProject) {
  if (!existsSync(CHROMIUM)) {
    const skipReason = `${CHROMIUM} is missing (apt-get install -y chromium); browser tests skipped`;
    console.warn(`\n[e2e] ${skipReason}\n`);
    project.provide('e2e', { skipReason, baseUrl: '' });
    return;
  }

  const started = Date.now();
  const built = spawnSync(process.execPath, [join(root, 'site/scripts/ensure-built.mjs')], { stdio: 'inherit', cwd: root });
  if (built.status !== 0) throw new Error('building the site failed');

  mkdirSync(join(root, 'tests/artifacts/screenshots'), { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'hotline-e2e-'));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const log = createWriteStream(join(root, 'tests/artifacts/e2e-server.log'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    PUBLIC_BASE_URL: baseUrl,
    SEED_DEMO: '1',
    LOG_LEVEL: 'warn',
    // Every browser here shares one address; the limits themselves are tested in tests/api.
    INTAKE_RATE_LIMIT: '10000',
    LOOKUP_RATE_LIMIT: '10000',
    SIGN_IN_RATE_LIMIT: '10000',
    HOTLINE_PHONE: '',
  };
  // The browser tests exercise the site, not the database engine: always the embedded one.
  delete env.DATABASE_URL;
  const server = spawn(process.execPath, ['--import', 'tsx', 'workers/node.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout?.pipe(log);
  server.stderr?.pipe(log);
  // A first start migrates, seeds and files the demo cases; on a loaded two-core machine that has taken over a minute.
  try {
    await waitForHealth(baseUrl, server, 240_000);
  } catch (err) {
    server.kill('SIGKILL');
    throw err;
  }
  project.provide('e2e', { skipReason: '', baseUrl });
  console.log(`[e2e] site checked and server up on ${baseUrl} in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  return async () => {
    const stopping = Date.now();
    if (server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((r) => {
        const timer = setTimeout(() => {
          server.kill('SIGKILL');
          r(undefined);
        }, 5_000);
        server.once('exit', () => {
          clearTimeout(timer);
          r(undefined);
        });
      });
    }
    log.end();
    rmSync(dataDir, { recursive: true, force: true });
    console.log(`[e2e] server stopped in ${((Date.now() - stopping) / 1000).toFixed(1)} s`);
  };
}
