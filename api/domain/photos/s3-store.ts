import { AwsClient } from 'aws4fetch';
import type { PhotoStore, StoredObject } from './ports.ts';

/*
 * An S3-compatible bucket (AWS S3, MinIO, R2's S3 API, …) over fetch, each
 * request signed with SigV4 by aws4fetch: a few kB, no Node built-ins, so the
 * same code runs on Node and Workers. Path-style URLs
 * (endpoint/bucket/key), which every S3-compatible service answers.
 */
export interface S3StoreConfig {
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export class S3PhotoStore implements PhotoStore {
  private readonly client: AwsClient;
  constructor(
    private readonly config: S3StoreConfig,
    private readonly fetcher: typeof fetch = fetch,
  ) {
    // No retries inside the client: a filing waits on this, and the caller decides.
    this.client = new AwsClient({ accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey, service: 's3', region: config.region, retries: 0 });
  }

  private url(key: string): string {
    const path = key.split('/').map(encodeURIComponent).join('/');
    return `${this.config.endpoint.replace(/\/+$/, '')}/${encodeURIComponent(this.config.bucket)}/${path}`;
  }

  private async send(method: string, key: string, init: { body?: Uint8Array; contentType?: string } = {}): Promise<Response> {
    const headers: Record<string, string> = {};
    if (init.contentType) headers['content-type'] = init.contentType;
    const signed = await this.client.sign(this.url(key), { method, headers, ...(init.body ? { body: init.body as BodyInit } : {}) });
    return this.fetcher(signed);
  }

  async put(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
    const res = await this.send('PUT', key, { body: bytes, contentType });
    await res.arrayBuffer();
    if (!res.ok) throw new S3Error('PUT', res.status);
  }

  async get(key: string): Promise<StoredObject | undefined> {
    const res = await this.send('GET', key);
    if (res.status === 404) {
      await res.arrayBuffer();
      return undefined;
    }
    if (!res.ok) {
      await res.arrayBuffer();
      throw new S3Error('GET', res.status);
    }
    return { bytes: new Uint8Array(await res.arrayBuffer()), contentType: res.headers.get('content-type') ?? 'application/octet-stream' };
  }

  async delete(key: string): Promise<void> {
    const res = await this.send('DELETE', key);
    await res.arrayBuffer();
    // S3 answers 204 for a missing key too; 404 from a stricter service means the same.
    if (!res.ok && res.status !== 404) throw new S3Error('DELETE', res.status);
  }
}

/** The bucket refused; the status only (an S3 error body can name the bucket and key). */
export class S3Error extends Error {
  override name = 'S3Error';
  constructor(
    readonly method: string,
    readonly status: number,
  ) {
    super(`S3 ${method} answered ${status}`);
  }
}
