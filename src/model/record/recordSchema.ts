import { Ajv, type JSONSchemaType, type ValidateFunction } from 'ajv';

/** What a record's text holds: the value its schema allows, or why it is not one. */
export type RecordParse<T> = { ok: true; value: T } | { ok: false; why: string };

/** Parses the text of one kind of JSON record hacktree wrote and reads back, against its schema. */
export interface RecordSchema<T> {
  parse(text: string): RecordParse<T>;
}

// One instance for every record schema. Made on first use: loading ajv and compiling a schema
// cost tens of milliseconds, which a command that reads no record should not pay.
let ajv: Ajv | undefined;

/**
 * A record schema, compiled once, on the first parse. Schemas are typed against the record's
 * interface (JSONSchemaType), so a field added to one and not the other does not compile.
 */
export function compileRecordSchema<T>(schema: JSONSchemaType<T>): RecordSchema<T> {
  let validate: ValidateFunction<T> | undefined;
  return {
    parse(text) {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        if (!(err instanceof SyntaxError)) throw err;
        return { ok: false, why: `it is not valid JSON (${err.message})` };
      }
      ajv ??= new Ajv({ allErrors: false, strict: true });
      validate ??= ajv.compile(schema);
      if (validate(value)) return { ok: true, value };
      const first = validate.errors?.[0];
      const where = first === undefined || first.instancePath === '' ? 'the record' : first.instancePath.slice(1).replaceAll('/', '.');
      const extra = first?.keyword === 'additionalProperties' ? ` (${String(first.params.additionalProperty)})` : '';
      return { ok: false, why: `${where} ${first?.message ?? 'does not match its schema'}${extra}` };
    },
  };
}
