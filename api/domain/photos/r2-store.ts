import type { PhotoStore, StoredObject } from './ports.ts';

/** The part of a Workers R2 bucket binding this store uses (R2Bucket fits it). */
export interface R2BucketLike {
  put(key: string, value: ArrayBuffer | Uint8Array, options?: { httpMetadata?: { contentType?: string } }): Promise<unknown>;
  get(key: string): Promise<{ arrayBuffer(): Promise<ArrayBuffer>; httpMetadata?: { contentType?: string } } | null>;
  delete(key: string): Promise<void>;
}

/** Photos in R2 through the Worker's binding (no keys, no signing: the binding is the permission). */
export class R2PhotoStore implements PhotoStore {
  constructor(private readonly bucket: R2BucketLike) {}

  async put(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
    await this.bucket.put(key, bytes, { httpMetadata: { contentType } });
  }

  async get(key: string): Promise<StoredObject | undefined> {
    const object = await this.bucket.get(key);
    if (!object) return undefined;
    return { bytes: new Uint8Array(await object.arrayBuffer()), contentType: object.httpMetadata?.contentType ?? 'application/octet-stream' };
  }

  async delete(key: string): Promise<void> {
    await this.bucket.delete(key);
  }
}
