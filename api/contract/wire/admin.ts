import { z } from 'zod';
import { PRIORITIES, STAFF_ROLES } from '../enums.ts';
import { text } from '../text.ts';

/*
 * Wire schemas of the admin screens: staff, departments, categories, locations.
 * Codes are set once at creation and never change; patches are strict, so a
 * body that tries to change a code (or misspells a field) is a 400, not a no-op.
 */

const Instant = z.string().meta({ example: '2026-03-06T00:00:00.000Z' });
/** A new code: lowercase ASCII, so it is safe in paths, logs and every language. */
const NewCode = z
  .string()
  .regex(/^[a-z][a-z0-9_]{1,40}$/, 'code.invalid')
  .meta({ example: 'lost_property', description: 'Lowercase letters, digits and _, starting with a letter; cannot be changed later' });
/** A code that names an existing row. */
const CodeRef = text().min(1).max(64);
const NameZh = text().trim().min(1).max(50).meta({ example: '失物招领' });
const NameEn = text().trim().min(1).max(100).meta({ example: 'Lost property' });
const SortOrder = z.number().int().min(0).max(1_000_000);
const Email = z.email('email.invalid').max(254);
/** A department's mailbox: an address, or blank (or null) for none. */
const Mailbox = z
  .preprocess((v) => (typeof v === 'string' && v.trim() === '' ? null : v), Email.nullable())
  .meta({ example: 'zhifa1@tjzhan.example', description: 'Where assignments and deadline warnings go; blank or null for none' });

/** A patch must change something. */
const notEmpty = (o: Record<string, unknown>) => Object.values(o).some((v) => v !== undefined);
const nothingToChange = { message: 'admin.nothing_to_change' };

const items = <T extends z.ZodType>(item: T, name: string) => z.object({ items: z.array(item) }).meta({ id: name });

// Staff

export const AdminStaff = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: z.enum(STAFF_ROLES),
    department: z.string().nullable(),
    active: z.boolean(),
    lockedUntil: Instant.nullable(),
    createdAt: Instant,
  })
  .meta({ id: 'AdminStaff' });
export const AdminStaffList = items(AdminStaff, 'AdminStaffList');

export const CreateStaffBody = z
  .strictObject({
    email: Email,
    name: text().trim().min(1).max(50),
    role: z.enum(STAFF_ROLES),
    department: CodeRef.optional().meta({ description: 'Department code; required for a handler' }),
    password: z.string().min(10).max(256).meta({ description: 'At least 10 characters' }),
  })
  .meta({ id: 'CreateStaff' });

export const UpdateStaffBody = z
  .strictObject({
    name: text().trim().min(1).max(50).optional(),
    role: z.enum(STAFF_ROLES).optional(),
    department: CodeRef.nullable().optional().meta({ description: 'Department code, or null for none (not for a handler)' }),
    active: z.boolean().optional(),
    password: z.string().min(10).max(256).optional(),
  })
  .refine(notEmpty, nothingToChange)
  .meta({ id: 'UpdateStaff', description: 'Deactivating, a new password or a new role ends the member’s sessions' });

export const StaffIdParams = z.object({ id: z.uuid().meta({ param: { name: 'id', in: 'path' } }) });

// Departments

export const AdminDepartment = z
  .object({
    id: z.number().int(),
    code: z.string(),
    nameZh: z.string(),
    nameEn: z.string(),
    isPartner: z.boolean(),
    email: z.string().nullable(),
    active: z.boolean(),
  })
  .meta({ id: 'AdminDepartment' });
export const AdminDepartmentList = items(AdminDepartment, 'AdminDepartmentList');

export const CreateDepartmentBody = z.strictObject({ code: NewCode, nameZh: NameZh, nameEn: NameEn, isPartner: z.boolean(), email: Mailbox.optional() }).meta({ id: 'CreateDepartment' });

export const UpdateDepartmentBody = z
  .strictObject({ nameZh: NameZh.optional(), nameEn: NameEn.optional(), email: Mailbox.optional(), active: z.boolean().optional() })
  .refine(notEmpty, nothingToChange)
  .meta({ id: 'UpdateDepartment', description: 'Deactivating a department that leads open cases is a 409' });

export const CodeParams = z.object({ code: CodeRef.meta({ param: { name: 'code', in: 'path' } }) });

// Categories

export const AdminCategory = z
  .object({
    code: z.string(),
    nameZh: z.string(),
    nameEn: z.string(),
    defaultDepartment: z.string().nullable(),
    defaultPriority: z.enum(PRIORITIES),
    active: z.boolean(),
    sortOrder: z.number().int(),
  })
  .meta({ id: 'AdminCategory' });
export const AdminCategoryList = items(AdminCategory, 'AdminCategoryList');

export const CreateCategoryBody = z
  .strictObject({
    code: NewCode,
    nameZh: NameZh,
    nameEn: NameEn,
    defaultDepartment: CodeRef.meta({ description: 'Code of an active department' }),
    defaultPriority: z.enum(PRIORITIES).default('normal'),
    sortOrder: SortOrder.optional().meta({ description: 'Default: after the last category' }),
  })
  .meta({ id: 'CreateCategory' });

export const UpdateCategoryBody = z
  .strictObject({
    nameZh: NameZh.optional(),
    nameEn: NameEn.optional(),
    defaultDepartment: CodeRef.optional(),
    defaultPriority: z.enum(PRIORITIES).optional(),
    active: z.boolean().optional(),
    sortOrder: SortOrder.optional(),
  })
  .refine(notEmpty, nothingToChange)
  .meta({ id: 'UpdateCategory' });

// Where a station or place is (WGS 84): Open311 places requests filed without coordinates there.

export const Coordinates = z
  .strictObject({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) })
  .meta({ id: 'Coordinates', description: 'WGS 84 degrees (GPS, not GCJ-02); null clears them' });

// Stations

export const AdminStation = z.object({ code: z.string(), nameZh: z.string(), nameEn: z.string(), active: z.boolean(), coordinates: Coordinates.nullable() }).meta({ id: 'AdminStation' });
export const AdminStationList = items(AdminStation, 'AdminStationList');
export const UpdateStationBody = z.strictObject({ coordinates: Coordinates.nullable() }).meta({ id: 'UpdateStation' });

// Locations

export const AdminLocation = z
  .object({
    station: z.string(),
    code: z.string(),
    nameZh: z.string(),
    nameEn: z.string(),
    active: z.boolean(),
    sortOrder: z.number().int(),
    coordinates: Coordinates.nullable(),
  })
  .meta({ id: 'AdminLocation' });
export const AdminLocationList = items(AdminLocation, 'AdminLocationList');

export const LocationQuery = z.object({
  station: text()
    .min(1)
    .max(16)
    .optional()
    .meta({ param: { name: 'station', in: 'query' }, description: 'Only this station’s locations' }),
});

export const CreateLocationBody = z
  .strictObject({
    station: text().min(1).max(16).meta({ example: 'TJ' }),
    code: NewCode,
    nameZh: NameZh,
    nameEn: NameEn,
    sortOrder: SortOrder.optional().meta({ description: 'Default: after the station’s last location' }),
  })
  .meta({ id: 'CreateLocation' });

export const UpdateLocationBody = z
  .strictObject({
    nameZh: NameZh.optional(),
    nameEn: NameEn.optional(),
    active: z.boolean().optional(),
    sortOrder: SortOrder.optional(),
    coordinates: Coordinates.nullable().optional(),
  })
  .refine(notEmpty, nothingToChange)
  .meta({ id: 'UpdateLocation' });

export const LocationParams = z.object({
  station: text()
    .min(1)
    .max(16)
    .meta({ param: { name: 'station', in: 'path' } }),
  code: CodeRef.meta({ param: { name: 'code', in: 'path' } }),
});

// Open311 API keys: civic apps file with them (api/routes/open311).

/** The filings per hour a key gets when the admin names none, and the bounds the table enforces. */
export const DEFAULT_HOURLY_QUOTA = 100;
export const MAX_HOURLY_QUOTA = 100_000;

export const ApiKey = z
  .object({
    id: z.uuid(),
    name: z.string(),
    owner: z.string(),
    createdAt: Instant,
    createdBy: z.object({ id: z.string(), name: z.string() }).nullable(),
    revokedAt: Instant.nullable(),
    lastUsedAt: Instant.nullable(),
    hourlyQuota: z.number().int().meta({ description: 'Filings per hour this key may make; refused requests do not count' }),
  })
  .meta({ id: 'ApiKey' });
export const IssuedApiKey = ApiKey.extend({
  key: z.string().meta({ description: 'Shown this once: only its hash is stored' }),
}).meta({ id: 'IssuedApiKey' });
export const ApiKeyList = items(ApiKey, 'ApiKeyList');

export const IssueApiKeyBody = z
  .strictObject({
    name: text().trim().min(1).max(100).meta({ example: 'Civic reporting app' }),
    owner: text().trim().min(1).max(200).meta({ example: 'City open-data team, opendata@example.org' }),
    hourlyQuota: z
      .number()
      .int()
      .min(1)
      .max(MAX_HOURLY_QUOTA)
      .optional()
      .meta({ description: `Filings per hour (1–${MAX_HOURLY_QUOTA}); default ${DEFAULT_HOURLY_QUOTA}`, example: 500 }),
  })
  .meta({ id: 'IssueApiKey' });

export const ApiKeyParams = z.object({ id: z.uuid().meta({ param: { name: 'id', in: 'path' } }) });

// What a client reads (and sends): the types the schemas infer.
export type AdminStaff = z.infer<typeof AdminStaff>;
export type AdminStaffList = z.infer<typeof AdminStaffList>;
export type CreateStaffBody = z.infer<typeof CreateStaffBody>;
export type UpdateStaffBody = z.infer<typeof UpdateStaffBody>;
export type StaffIdParams = z.infer<typeof StaffIdParams>;
export type AdminDepartment = z.infer<typeof AdminDepartment>;
export type AdminDepartmentList = z.infer<typeof AdminDepartmentList>;
export type CreateDepartmentBody = z.infer<typeof CreateDepartmentBody>;
export type UpdateDepartmentBody = z.infer<typeof UpdateDepartmentBody>;
export type CodeParams = z.infer<typeof CodeParams>;
export type AdminCategory = z.infer<typeof AdminCategory>;
export type AdminCategoryList = z.infer<typeof AdminCategoryList>;
export type CreateCategoryBody = z.infer<typeof CreateCategoryBody>;
export type UpdateCategoryBody = z.infer<typeof UpdateCategoryBody>;
export type Coordinates = z.infer<typeof Coordinates>;
export type AdminStation = z.infer<typeof AdminStation>;
export type AdminStationList = z.infer<typeof AdminStationList>;
export type UpdateStationBody = z.infer<typeof UpdateStationBody>;
export type AdminLocation = z.infer<typeof AdminLocation>;
export type AdminLocationList = z.infer<typeof AdminLocationList>;
export type LocationQuery = z.infer<typeof LocationQuery>;
export type CreateLocationBody = z.infer<typeof CreateLocationBody>;
export type UpdateLocationBody = z.infer<typeof UpdateLocationBody>;
export type LocationParams = z.infer<typeof LocationParams>;
export type ApiKey = z.infer<typeof ApiKey>;
export type IssuedApiKey = z.infer<typeof IssuedApiKey>;
export type ApiKeyList = z.infer<typeof ApiKeyList>;
export type IssueApiKeyBody = z.infer<typeof IssueApiKeyBody>;
