import { createRoute, z } from '@hono/zod-openapi';
import { addPhotos } from '../../domain/photos/add.ts';
import { PHOTO_FORM_BODY_LIMIT } from '../../domain/photos/limits.ts';
import { setPhotoPublic } from '../../domain/photos/publish.ts';
import { listStaffPhotos } from '../../domain/photos/read.ts';
import { getPhotoRetention, setPhotoRetention } from '../../domain/photos/retention.ts';
import { limitBody } from '../../http/body-limit.ts';
import { errorResponses } from '../../http/envelope.ts';
import { toWire } from '../../http/wire.ts';
import type { AdminRouter, StaffRouter } from '../routers.ts';
import { AddedPhotos, CaseIdParams, PhotoParts, PhotoRetentionBody, PhotoRetentionSetting, PhotoVisibility, PhotoVisibilityBody, StaffPhotoList } from './schemas.ts';

const errors = errorResponses({ 400: 'Bad input', 401: 'No session', 403: 'Not allowed', 404: 'No such case or photo' });

export const listPhotosRoute = createRoute({
  method: 'get',
  path: '/api/staff/cases/{id}/photos',
  tags: ['staff'],
  summary: 'A case’s photos, with links signed for a few minutes',
  request: { params: CaseIdParams },
  responses: { 200: { description: 'The photos', content: { 'application/json': { schema: StaffPhotoList } } }, ...errors },
});

export const addPhotosRoute = createRoute({
  method: 'post',
  path: '/api/staff/cases/{id}/photos',
  tags: ['staff'],
  summary: 'Add photos to a case (up to 3 per case in all)',
  request: {
    params: CaseIdParams,
    body: { required: true, content: { 'multipart/form-data': { schema: z.object({ photos: PhotoParts }) } } },
  },
  responses: { 201: { description: 'Added', content: { 'application/json': { schema: AddedPhotos } } }, ...errors },
});

export const photoVisibilityRoute = createRoute({
  method: 'post',
  path: '/api/staff/cases/{id}/photos/{photoId}/visibility',
  tags: ['staff'],
  summary: 'Make a photo public (status page, Open311 media_url) or private again; recorded in the timeline',
  request: {
    params: CaseIdParams.extend({ photoId: z.uuid().meta({ param: { name: 'photoId', in: 'path' } }) }),
    body: { required: true, content: { 'application/json': { schema: PhotoVisibilityBody } } },
  },
  responses: { 200: { description: 'Done', content: { 'application/json': { schema: PhotoVisibility } } }, ...errors },
});

export const getRetentionRoute = createRoute({
  method: 'get',
  path: '/api/staff/admin/photo-retention',
  tags: ['admin'],
  summary: 'How long closed cases keep their photos',
  responses: { 200: { description: 'The setting', content: { 'application/json': { schema: PhotoRetentionSetting } } }, ...errors },
});

export const setRetentionRoute = createRoute({
  method: 'put',
  path: '/api/staff/admin/photo-retention',
  tags: ['admin'],
  summary: 'Set how many days after closing a case keeps its photos (null: keep them)',
  request: { body: { required: true, content: { 'application/json': { schema: PhotoRetentionBody } } } },
  responses: { 200: { description: 'The setting', content: { 'application/json': { schema: PhotoRetentionSetting } } }, ...errors },
});

export function registerStaffPhotoRoutes(router: StaffRouter) {
  router.openapi(listPhotosRoute, async (c) => {
    const items = await listStaffPhotos({ ctx: c.get('ctx'), staff: c.get('staff'), input: { caseId: c.req.valid('param').id } });
    c.header('Cache-Control', 'no-store');
    return c.json(toWire({ items }), 200);
  });

  router.openapi({ ...addPhotosRoute, middleware: [limitBody(PHOTO_FORM_BODY_LIMIT)] }, async (c) => {
    const parts = c.req.valid('form').photos ?? [];
    const photos = await Promise.all(parts.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
    const added = await addPhotos({ ctx: c.get('ctx'), staff: c.get('staff'), input: { caseId: c.req.valid('param').id, photos, source: 'staff' } });
    return c.json({ added: added.length, items: added.map((p) => ({ id: p.id })) }, 201);
  });

  router.openapi(photoVisibilityRoute, async (c) => {
    const { id, photoId } = c.req.valid('param');
    const result = await setPhotoPublic({ ctx: c.get('ctx'), staff: c.get('staff'), input: { caseId: id, photoId, isPublic: c.req.valid('json').isPublic } });
    return c.json(result, 200);
  });
}

export function registerAdminPhotoRoutes(router: AdminRouter) {
  router.openapi(getRetentionRoute, async (c) => c.json(toWire(await getPhotoRetention(c.get('ctx'))), 200));
  router.openapi(setRetentionRoute, async (c) => {
    const setting = await setPhotoRetention({ ctx: c.get('ctx'), staff: c.get('staff'), input: { days: c.req.valid('json').days } });
    return c.json(toWire(setting), 200);
  });
}
