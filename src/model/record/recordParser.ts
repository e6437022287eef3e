import type { ErrorObject } from 'ajv';

/** What a record's text holds: the value its schema allows, or why it is not one. */
export type RecordParse<T> = { ok: true; value: T } | { ok: false; why: string };

/** Parses the text of one kind of JSON record hacktree wrote and reads back, against its schema. */
export interface RecordParser<T> {
  parse(text: string): RecordParse<T>;
}

/** A JSON Schema compiled by ajv: true when `data` matches, else false with the first error in `errors`. */
export type RecordValidator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

/**
 * A parser for records of type T, checked by `validate`: the record's JSON Schema compiled ahead
 * of time (recordValidators.ts), so reading a record loads no schema compiler. Loading ajv and
 * compiling a schema at run time cost ~100-200 ms, more than `root status` takes in all.
 */
export function recordParser<T>(validate: RecordValidator): RecordParser<T> {
  return {
    parse(text) {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        if (!(err instanceof SyntaxError)) throw err;
        return { ok: false, why: `it is not valid JSON (${err.message})` };
      }
      if (validate(value)) return { ok: true, value: value as T };
      const first = validate.errors?.[0];
      const where = first === undefined || first.instancePath === '' ? 'the record' : first.instancePath.slice(1).replaceAll('/', '.');
      const extra = first?.keyword === 'additionalProperties' ? ` (${String(first.params.additionalProperty)})` : '';
      return { ok: false, why: `${where} ${first?.message ?? 'does not match its schema'}${extra}` };
    },
  };
}
