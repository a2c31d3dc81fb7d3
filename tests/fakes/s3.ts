import { createHash, createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/*
 * A local S3 that speaks the real wire format for what the photo store uses:
 * path-style PUT, GET and DELETE of objects, each checked for a valid SigV4
 * signature, computed here independently of aws4fetch (the canonical request,
 * the string to sign and the key derivation from AWS's documentation, with
 * node:crypto). Like S3, it answers errors as XML, a missing key on GET with
 * 404 NoSuchKey, a DELETE of a missing key with 204, a payload whose hash
 * does not match x-amz-content-sha256 with 400, and a request dated more than
 * 15 minutes off with 403 RequestTimeTooSkewed.
 */
export interface FakeS3 {
  url: string;
  bucket: string;
  credentials: { accessKeyId: string; secretAccessKey: string; region: string };
  objects: Map<string, { bytes: Buffer; contentType: string }>;
  /** Every request: method, key and the status answered. */
  log: Array<{ method: string; key: string; status: number }>;
  close(): Promise<void>;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

function xmlError(code: string, message: string) {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
}

export async function startFakeS3(options: { now?: () => Date } = {}): Promise<FakeS3> {
  const bucket = 'hotline-photos';
  const credentials = { accessKeyId: 'AKIDFAKE0000000000', secretAccessKey: 'fake-secret-for-tests-only', region: 'auto' };
  const objects = new Map<string, { bytes: Buffer; contentType: string }>();
  const log: FakeS3['log'] = [];
  const now = options.now ?? (() => new Date());

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url ?? '/', 'http://fake');
      const [, bucketName = '', ...rest] = url.pathname.split('/');
      const key = rest.map(decodeURIComponent).join('/');
      const answer = (status: number, payload: string | Buffer = '', headers: Record<string, string> = {}) => {
        log.push({ method: req.method ?? '', key, status });
        res.writeHead(status, typeof payload === 'string' && payload ? { 'content-type': 'application/xml', ...headers } : headers);
        res.end(payload);
      };

      // SigV4 (AWS docs, "Create a signed AWS API request").
      const auth = req.headers.authorization ?? '';
      const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(auth);
      if (!m) return answer(403, xmlError('AccessDenied', 'No SigV4 authorization'));
      const [, akid, day, region, signedHeaders, signature] = m as unknown as [string, string, string, string, string, string];
      if (akid !== credentials.accessKeyId) return answer(403, xmlError('InvalidAccessKeyId', 'Unknown key'));
      const amzDate = String(req.headers['x-amz-date'] ?? '');
      const at = Date.parse(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
      if (!Number.isFinite(at) || amzDate.slice(0, 8) !== day) return answer(403, xmlError('AccessDenied', 'Bad x-amz-date'));
      if (Math.abs(at - now().getTime()) > 15 * 60_000) return answer(403, xmlError('RequestTimeTooSkewed', 'The difference between the request time and the server time is too large'));
      const payloadHash = String(req.headers['x-amz-content-sha256'] ?? '');
      if (payloadHash !== 'UNSIGNED-PAYLOAD' && payloadHash !== sha256(body))
        return answer(400, xmlError('XAmzContentSHA256Mismatch', 'The provided x-amz-content-sha256 header does not match what was computed'));
      const names = signedHeaders.split(';');
      if (!names.includes('host') || !names.includes('x-amz-date')) return answer(403, xmlError('AccessDenied', 'host and x-amz-date must be signed'));
      const canonicalHeaders = names
        .map(
          (n) =>
            `${n}:${String(req.headers[n] ?? '')
              .trim()
              .replace(/\s+/g, ' ')}\n`,
        )
        .join('');
      const query = [...url.searchParams.entries()]
        .map(([k, v]) => [encodeURIComponent(k), encodeURIComponent(v)])
        .sort(([a], [b]) => (a! < b! ? -1 : a! > b! ? 1 : 0))
        .map(([k, v]) => `${k}=${v}`)
        .join('&');
      const canonicalRequest = [req.method, url.pathname, query, canonicalHeaders, signedHeaders, payloadHash].join('\n');
      const scope = `${day}/${region}/s3/aws4_request`;
      const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
      const signingKey = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, day), region), 's3'), 'aws4_request');
      const expected = createHmac('sha256', signingKey).update(stringToSign).digest('hex');
      if (expected !== signature) return answer(403, xmlError('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided'));

      if (bucketName !== bucket) return answer(404, xmlError('NoSuchBucket', 'The specified bucket does not exist'));
      if (!key) return answer(400, xmlError('InvalidRequest', 'No key'));
      switch (req.method) {
        case 'PUT':
          objects.set(key, { bytes: body, contentType: String(req.headers['content-type'] ?? 'binary/octet-stream') });
          return answer(200, '', { etag: `"${createHash('md5').update(body).digest('hex')}"` });
        case 'GET': {
          const object = objects.get(key);
          if (!object) return answer(404, xmlError('NoSuchKey', 'The specified key does not exist.'));
          return answer(200, object.bytes, { 'content-type': object.contentType, 'content-length': String(object.bytes.length) });
        }
        case 'DELETE':
          objects.delete(key);
          return answer(204);
        default:
          return answer(405, xmlError('MethodNotAllowed', 'The specified method is not allowed against this resource.'));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    bucket,
    credentials,
    objects,
    log,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
