import { type ChildProcess, fork } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ChildMessage } from './child.ts';

/** A bench server running in its own Node process, reachable on loopback. */
export interface ServerHandle {
  name: string;
  url: string;
  pid: number;
  info: Record<string, unknown>;
  /** CPU time (and, in counting mode, PostgreSQL traffic) of the child so far. */
  stats(): Promise<ChildStats>;
  stop(): Promise<void>;
}

export interface ChildStats {
  cpuUs: number;
  /** PostgreSQL traffic counters (counting mode only). */
  pg: { writes: number; executes: number; parses: number } | null;
  rssBytes: number;
}

const live = new Set<ChildProcess>();

/** Kills whatever children are still running (by their own pid). Safe to call twice. */
export function killAllChildren() {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  live.clear();
}

export interface StartOptions {
  name: string;
  /** The child entry, relative to tests/bench/. */
  script: string;
  env: Record<string, string>;
  /** Extra node flags (e.g. --cpu-prof). */
  nodeFlags?: string[];
  /** Directory for --cpu-prof output, created when given. */
  profileDir?: string;
  timeoutMs?: number;
}

export async function startServer(options: StartOptions): Promise<ServerHandle> {
  const script = fileURLToPath(new URL(options.script, import.meta.url));
  const flags = [...(options.nodeFlags ?? [])];
  if (options.profileDir) {
    mkdirSync(options.profileDir, { recursive: true });
    flags.push('--cpu-prof', `--cpu-prof-dir=${options.profileDir}`, `--cpu-prof-name=${options.name}-${Date.now()}.cpuprofile`);
  }
  const child = fork(script, [], {
    // process.execPath is node_modules/.bin/node (Node 22) under `npm run bench`.
    execPath: process.execPath,
    execArgv: ['--import', 'tsx', ...flags],
    env: { ...process.env, NODE_ENV: 'production', ...options.env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  live.add(child);
  const pending = new Map<number, (s: ChildStats) => void>();
  let nextId = 1;
  let exited = false;
  let stopping = false;
  const exitedPromise = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      live.delete(child);
      resolve();
    }),
  );

  const ready = await new Promise<{ port: number; info: Record<string, unknown> }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${options.name}: not ready within ${options.timeoutMs ?? 30_000} ms`)), options.timeoutMs ?? 30_000);
    child.on('message', (msg: ChildMessage) => {
      if (msg.type === 'ready') {
        clearTimeout(timer);
        resolve({ port: msg.port, info: msg.info });
      } else if (msg.type === 'fatal') {
        clearTimeout(timer);
        reject(new Error(`${options.name} failed to start:\n${msg.message}`));
      } else if (msg.type === 'stats') {
        pending.get(msg.id)?.({ cpuUs: msg.cpuUserUs + msg.cpuSystemUs, pg: msg.pg, rssBytes: msg.rssBytes });
        pending.delete(msg.id);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${options.name} exited before it was ready (code ${code}, signal ${signal})`));
    });
  });
  child.on('exit', (code, signal) => {
    if (!stopping) console.error(`\n!!! ${options.name} (pid ${child.pid}) exited unexpectedly (code ${code}, signal ${signal})`);
  });

  return {
    name: options.name,
    url: `http://127.0.0.1:${ready.port}`,
    pid: child.pid ?? -1,
    info: ready.info,
    stats: () =>
      new Promise<ChildStats>((resolve, reject) => {
        if (exited) return reject(new Error(`${options.name} has exited`));
        const id = nextId++;
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${options.name}: no stats answer`));
        }, 5_000);
        pending.set(id, (s) => {
          clearTimeout(timer);
          resolve(s);
        });
        child.send({ type: 'stats', id });
      }),
    stop: async () => {
      stopping = true;
      if (exited) return;
      child.send({ type: 'stop' });
      const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 8_000).unref());
      if ((await Promise.race([exitedPromise, timeout])) === 'timeout') {
        child.kill('SIGKILL');
        await exitedPromise;
      }
    },
  };
}
