/** Reading a posted form: every value a trimmed string ('' when absent or a file). */
export async function readForm<K extends string>(request: Request, names: readonly K[]): Promise<Record<K, string>> {
  let data: FormData | undefined;
  try {
    data = await request.formData();
  } catch {
    data = undefined;
  }
  const out = {} as Record<K, string>;
  for (const name of names) {
    const value = data?.get(name);
    out[name] = typeof value === 'string' ? value.trim() : '';
  }
  return out;
}

/** Drops blank values, so the API reads them as "not given" (and says "required" where it must). */
export function withoutBlanks<T extends Record<string, unknown>>(values: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(values)) {
    if (v !== '' && v !== undefined && v !== null) (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

/** aria-describedby for a field: its hint and its error, when present. */
export function describedBy(...ids: Array<string | false | undefined>): string | undefined {
  const list = ids.filter((id): id is string => typeof id === 'string' && id !== '');
  return list.length ? list.join(' ') : undefined;
}
