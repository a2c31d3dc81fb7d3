// The wire schemas are the contract's (api/contract/wire), shared with the site and the tests.
export * from '../../contract/wire/duplicates.ts';
export * from '../../contract/wire/photos.ts';
export * from '../../contract/wire/public.ts';
