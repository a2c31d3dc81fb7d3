import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A local HTTP server for a provider fake: records requests, can fail the next N with a status. */
export interface FakeRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/**
 * What the fake does with a request: answer it, or break the way real
 * networks and providers do — drop the connection without an answer
 * ('reset'), or never answer at all ('hang', until the fake closes).
 */
export type FakeAnswer = { status: number; body: unknown; headers?: Record<string, string> } | 'reset' | 'hang';

export interface HttpFake {
  url: string;
  requests: FakeRequest[];
  /** Refuse the next `count` requests with `status` before the provider looks at them (nothing is taken). */
  failNext(count: number, status: number, headers?: Record<string, string>): void;
  close(): Promise<void>;
}

export async function startHttpFake(handle: (req: FakeRequest) => FakeAnswer): Promise<HttpFake> {
  const requests: FakeRequest[] = [];
  let failures: { count: number; status: number; headers: Record<string, string> } = { count: 0, status: 500, headers: {} };
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(request);
      let out: FakeAnswer;
      if (failures.count > 0) {
        failures.count--;
        out = { status: failures.status, body: { message: 'injected failure' }, headers: failures.headers };
      } else out = handle(request);
      if (out === 'reset') {
        req.socket.destroy();
        return;
      }
      if (out === 'hang') {
        hanging.add(res);
        return;
      }
      res.writeHead(out.status, { 'content-type': 'application/json', ...out.headers });
      res.end(JSON.stringify(out.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failNext(count, status, headers = {}) {
      failures = { count, status, headers };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        hanging.clear();
        server.closeAllConnections();
      }),
  };
}
