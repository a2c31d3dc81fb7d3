import net from 'node:net';

/**
 * The child side of a bench server: reports `ready` with its port over IPC,
 * answers `stats` (its own CPU time and SQL round trips so far) and exits
 * cleanly on `stop` (so --cpu-prof gets written) or when the parent goes away.
 */
export interface ChildServer {
  port: number;
  close(): Promise<void>;
  /** Extra facts for the report (what the server is, pool size…). */
  info?: Record<string, unknown>;
}

export type ParentMessage = { type: 'stats'; id: number } | { type: 'stop' };
export type ChildMessage =
  | { type: 'ready'; port: number; info: Record<string, unknown> }
  | { type: 'stats'; id: number; cpuUserUs: number; cpuSystemUs: number; pg: { writes: number; executes: number; parses: number } | null; rssBytes: number }
  | { type: 'fatal'; message: string };

/**
 * Counting mode (BENCH_COUNT_QUERIES=1): every socket write towards
 * PostgreSQL's port is counted and parsed as frontend protocol messages, so the
 * counts hold whatever client built the queries:
 *   - executes: Bind ('B') + simple Query ('Q') messages — statements run;
 *   - parses:   Parse ('P') messages — statements PostgreSQL had to parse and plan
 *               (a cached prepared statement is bound without one);
 *   - writes:   socket writes; at concurrency 1 each is one network round trip
 *               (postgres.js sends Parse+Describe, waits for the parameter types,
 *               then Bind+Execute for a parameterised statement it has not prepared).
 * Under load, writes coalesce (postgres.js batches), so only the probe's figures count.
 */
export const pgTraffic = { enabled: false, writes: 0, executes: 0, parses: 0 };

export function countPgTraffic(port: number) {
  pgTraffic.enabled = true;
  const original = net.Socket.prototype.write;
  net.Socket.prototype.write = function (this: net.Socket, ...args: unknown[]) {
    if (this.remotePort === port) {
      pgTraffic.writes++;
      const chunk = args[0];
      if (chunk instanceof Uint8Array) scan(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    }
    return (original as (...a: unknown[]) => boolean).apply(this, args);
  } as typeof original;
}

/** Walks type-tagged messages (the untagged startup message fails the check and is skipped). */
function scan(buf: Buffer) {
  let at = 0;
  while (at + 5 <= buf.length) {
    const type = buf[at]!;
    const length = buf.readUInt32BE(at + 1);
    if (length < 4 || at + 1 + length > buf.length || type < 0x41 || type > 0x7a) return;
    if (type === 0x42 /* B */ || type === 0x51 /* Q */) pgTraffic.executes++;
    else if (type === 0x50 /* P */) pgTraffic.parses++;
    at += 1 + length;
  }
}

function send(message: ChildMessage) {
  if (process.send) process.send(message);
}

export async function runChild(start: () => Promise<ChildServer>): Promise<void> {
  if (!process.send) throw new Error('run this file through tests/bench/run.ts (it needs an IPC channel)');
  let server: ChildServer | undefined;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(code), 5_000);
    force.unref();
    try {
      await server?.close();
    } catch {
      // closing is best effort; exiting is what matters
    }
    process.exit(code);
  };
  process.on('message', (raw: ParentMessage) => {
    if (raw.type === 'stats') {
      const cpu = process.cpuUsage();
      send({
        type: 'stats',
        id: raw.id,
        cpuUserUs: cpu.user,
        cpuSystemUs: cpu.system,
        pg: pgTraffic.enabled ? { ...pgTraffic } : null,
        rssBytes: process.memoryUsage.rss(),
      });
    } else if (raw.type === 'stop') {
      void stop(0);
    }
  });
  process.on('disconnect', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  process.on('SIGINT', () => void stop(0));
  try {
    server = await start();
    send({ type: 'ready', port: server.port, info: server.info ?? {} });
  } catch (err) {
    send({ type: 'fatal', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    await stop(1);
  }
}
