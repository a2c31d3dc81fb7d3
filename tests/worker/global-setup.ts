import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';

export interface WorkerDatabase {
  /** Why the worker tests skip, or '' when the database is ready. */
  skipReason: string;
  /** The target URL with a password, as Hyperdrive requires one. */
  hyperdriveUrl: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    workerDatabase: WorkerDatabase;
  }
}

const root = fileURLToPath(new URL('../..', import.meta.url));
const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/test';
/** Any password does under trust auth; Hyperdrive only insists that there is one. */
const DUMMY_PASSWORD = 'hotline';

export function withPassword(url: string): string {
  const parsed = new URL(url);
  if (!parsed.password) parsed.password = DUMMY_PASSWORD;
  return parsed.toString();
}

/**
 * '' when a PostgreSQL server answers within 2 s, else why not. A bare TCP
 * connect is not enough (sandbox proxies accept any connection), so this sends
 * the protocol's SSLRequest, which every server answers with one byte, S or N.
 */
function probe(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => done('no answer within 2 s'), 2_000);
    function done(reason: string) {
      clearTimeout(timer);
      socket.destroy();
      resolve(reason);
    }
    socket.once('connect', () => {
      const sslRequest = Buffer.alloc(8);
      sslRequest.writeInt32BE(8, 0);
      sslRequest.writeInt32BE(80877103, 4);
      socket.write(sslRequest);
    });
    socket.once('data', (reply) => done(reply[0] === 0x53 || reply[0] === 0x4e ? '' : 'not a PostgreSQL server'));
    socket.once('end', () => done('connection closed without an answer'));
    socket.once('error', (err: NodeJS.ErrnoException) => done(err.code ?? err.message));
  });
}

/**
 * Prepares the database in Node before workerd starts (the Worker never
 * migrates). No server at all skips the worker tests with the reason printed;
 * a server that answers but fails to migrate fails the run.
 */
export default async function setup(project: TestProject) {
  // wrangler.toml serves site/dist as assets; an empty directory stands in when
  // the site has not been built, so the Worker still starts.
  mkdirSync(`${root}/site/dist`, { recursive: true });

  const url = process.env.DATABASE_URL || DEFAULT_URL;
  const { hostname, port } = new URL(url);
  const hyperdriveUrl = withPassword(url);
  const host = hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
  const problem = await probe(host, Number(port || 5432));
  if (problem) {
    const skipReason = `no PostgreSQL at ${host}:${port || 5432} (${problem}); start it or set DATABASE_URL`;
    console.warn(`[worker tests] skipping: ${skipReason}`);
    project.provide('workerDatabase', { skipReason, hyperdriveUrl });
    return;
  }
  try {
    await promisify(execFile)(process.execPath, ['--import', 'tsx', 'tests/worker/prepare-db.ts', url], {
      cwd: root,
      timeout: 60_000,
    });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim();
    throw new Error(`[worker tests] migrating ${host}:${port || 5432} failed:\n${stderr || (err as Error).message}`);
  }
  project.provide('workerDatabase', { skipReason: '', hyperdriveUrl });
}
