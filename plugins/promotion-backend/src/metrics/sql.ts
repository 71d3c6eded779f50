import { Knex } from 'knex';

/** A piece of SQL with its positional bindings, in the order their `?` appear. */
export interface Sql {
  text: string;
  bindings: Knex.Value[];
}

const isSql = (value: unknown): value is Sql =>
  typeof value === 'object' &&
  value !== null &&
  'text' in value &&
  'bindings' in value;

/**
 * Builds SQL from a template: interpolated `Sql` pieces are spliced in with
 * their bindings, any other value becomes a `?` binding. The queries of this
 * folder are long CTE chains; keeping each binding next to the text it fills
 * keeps their order right.
 */
export function sql(
  strings: TemplateStringsArray,
  ...values: Array<Sql | Knex.Value>
): Sql {
  let text = strings[0];
  const bindings: Knex.Value[] = [];
  values.forEach((value, i) => {
    if (isSql(value)) {
      text += value.text;
      bindings.push(...value.bindings);
    } else {
      text += '?';
      bindings.push(value);
    }
    text += strings[i + 1];
  });
  return { text, bindings };
}

/** Text spliced in as it is: only for constants of this folder, never for input. */
export function verbatim(text: string): Sql {
  return { text, bindings: [] };
}

/** The rows of a raw query, whichever driver answered it. */
export async function selectRows<T>(db: Knex, query: Sql): Promise<T[]> {
  const result = await db.raw(query.text, query.bindings);
  return Array.isArray(result) ? result : result.rows;
}
