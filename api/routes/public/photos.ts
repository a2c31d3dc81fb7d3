import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../../context.ts';
import type { StoredObject } from '../../domain/photos/ports.ts';
import { readPublicPhoto, readSignedPhoto } from '../../domain/photos/read.ts';
import { errorResponses } from '../../http/envelope.ts';
import type { PublicRouter } from '../routers.ts';

const PhotoIdParams = z.object({ id: z.uuid().meta({ param: { name: 'id', in: 'path' } }) });
const Variant = z.enum(['full', 'thumb']).default('full');
const image = { 'image/jpeg': { schema: z.string().meta({ format: 'binary' }) } };

export const signedPhotoRoute = createRoute({
  method: 'get',
  path: '/api/photos/{id}',
  tags: ['staff'],
  summary: 'A private photo through a signed link',
  description: 'The links come from GET /api/staff/cases/{id}/photos and expire after minutes. A bad, expired or foreign signature answers the same 404 as no photo.',
  request: {
    params: PhotoIdParams,
    query: z.object({ variant: Variant, expires: z.coerce.number().int(), sig: z.string().max(100) }),
  },
  responses: { 200: { description: 'The image, without metadata', content: image }, ...errorResponses({ 400: 'Error', 404: 'Error', 503: 'Error' }) },
});

export const publicPhotoRoute = createRoute({
  method: 'get',
  path: '/api/public/photos/{id}',
  tags: ['public'],
  summary: 'A photo staff have made public',
  description: 'Shown on the status page and as an Open311 request’s media_url. Any photo not made public answers 404.',
  request: { params: PhotoIdParams, query: z.object({ variant: Variant }) },
  responses: { 200: { description: 'The image, without metadata', content: image }, ...errorResponses({ 400: 'Error', 404: 'Error', 503: 'Error' }) },
});

function imageResponse(c: Context<AppEnv>, object: StoredObject, cacheControl: string) {
  return c.body(object.bytes as Uint8Array<ArrayBuffer>, 200, {
    'content-type': object.contentType,
    'cache-control': cacheControl,
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'",
  });
}

export function registerPhotoRoutes(router: PublicRouter) {
  router.openapi(signedPhotoRoute, async (c) => {
    const { id } = c.req.valid('param');
    const { variant, expires, sig } = c.req.valid('query');
    const object = await readSignedPhoto({ ctx: c.get('ctx'), input: { photoId: id, variant, expires, sig } });
    // The browser may keep it until the link expires, never a shared cache.
    const maxAge = Math.max(0, expires - Math.floor(c.get('ctx').clock.now().getTime() / 1000));
    return imageResponse(c, object, `private, max-age=${maxAge}`) as never;
  });

  router.openapi(publicPhotoRoute, async (c) => {
    const { id } = c.req.valid('param');
    const object = await readPublicPhoto({ ctx: c.get('ctx'), input: { photoId: id, variant: c.req.valid('query').variant } });
    // Short: staff may hide the photo again.
    return imageResponse(c, object, 'public, max-age=300') as never;
  });
}
