import fc from 'fast-check';

/**
 * Arbitraries for fuzzing the HTTP API: odd strings, wrong-typed values,
 * JSON bodies built from fields that are valid, odd or invalid, query
 * strings as express's qs parser reads them, and odd path segments.
 */

/** Keys that name prototype members: JSON.parse and qs make them own properties. */
export const PROTOTYPE_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
];

/** Strings without lone surrogates, so that they can be percent-encoded into a URL. */
export const oddText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.constantFrom(
    '',
    ' ',
    '\t\n',
    '\u0000',
    '..',
    '../../etc/passwd',
    'null',
    'undefined',
    'NaN',
    '💥',
    'e\u0301',
    '\u202eevil',
    "'; drop table promotion_request; --",
    '{{ entity.metadata.name }}',
    'component:default/payments\n',
    ...PROTOTYPE_KEYS,
  ),
);

/** Odd strings for JSON bodies: anything unicode has, lone surrogates too, and strings past every length limit. */
export const oddJsonString = fc.oneof(
  oddText,
  fc.string({ unit: 'binary' }),
  fc.string({ minLength: 2001, maxLength: 2100 }),
  fc.constant('x'.repeat(20_000)),
);

/** Values of the wrong JSON type for a field that wants a string or a boolean. */
export const wrongType = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
  fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
);

/**
 * How to draw one body field: values the endpoint accepts (`valid`), values
 * its schema accepts but the endpoint refuses later, e.g. an unknown entity
 * (`refused`), and values its schema refuses (`invalid`).
 */
export interface FieldSpec {
  valid: fc.Arbitrary<unknown>;
  refused?: fc.Arbitrary<unknown>;
  invalid: fc.Arbitrary<unknown>;
}

type FieldState = 'absent' | 'valid' | 'refused' | 'invalid';

export interface DrawnField {
  state: FieldState;
  value?: unknown;
}

export interface FuzzBody {
  /** The text sent, so that keys such as `__proto__` arrive as own keys. */
  text?: string;
  contentType?: string;
  /** Set when the schema must refuse the body, whatever else is true. */
  schemaInvalid: boolean;
}

const drawField = (spec: FieldSpec): fc.Arbitrary<DrawnField> =>
  fc.oneof(
    fc.constant<DrawnField>({ state: 'absent' }),
    spec.valid.map(value => ({ state: 'valid', value } as DrawnField)),
    ...(spec.refused
      ? [spec.refused.map(value => ({ state: 'refused', value } as DrawnField))]
      : []),
    spec.invalid.map(value => ({ state: 'invalid', value } as DrawnField)),
  );

/** JSON text of an object with these entries, in this order, duplicates and `__proto__` included. */
export const jsonObjectText = (entries: Array<[string, unknown]>) =>
  `{${entries
    .map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`)
    .join(',')}}`;

/** Keys that are not the schema's, prototype names first. */
const extraKey = (known: string[]) =>
  fc
    .oneof(
      fc.constantFrom(...PROTOTYPE_KEYS, 'extra', 'EntityRef', 'dry_run'),
      fc.string({ maxLength: 12 }),
    )
    .filter(key => !known.includes(key));

/**
 * Bodies with the schema's own keys, each absent, valid, refused or invalid,
 * plus keys it does not know, never one the endpoint would accept: a body
 * that could pass would change state, and these tests prove that nothing
 * changes.
 */
export function bodyWithFields(options: {
  required: Record<string, FieldSpec>;
  optional: Record<string, FieldSpec>;
  /** For rules across fields, e.g. a rollback needs a reason unless it is a dry run. */
  schemaRefuses?: (fields: Record<string, DrawnField>) => boolean;
}): fc.Arbitrary<FuzzBody> {
  const specs = { ...options.required, ...options.optional };
  const known = Object.keys(specs);
  const fields = fc.record(
    Object.fromEntries(known.map(key => [key, drawField(specs[key])])),
  ) as fc.Arbitrary<Record<string, DrawnField>>;
  const extras = fc.array(
    fc.tuple(extraKey(known), fc.jsonValue({ maxDepth: 2 })),
    { maxLength: 2 },
  );
  return fc
    .tuple(fields, extras)
    .map(([drawn, extra]) => {
      const schemaInvalid =
        extra.length > 0 ||
        Object.values(drawn).some(f => f.state === 'invalid') ||
        Object.keys(options.required).some(
          key => drawn[key].state === 'absent',
        ) ||
        (options.schemaRefuses?.(drawn) ?? false);
      const refused = Object.values(drawn).some(f => f.state === 'refused');
      const entries: Array<[string, unknown]> = [
        ...known
          .filter(key => drawn[key].state !== 'absent')
          .map((key): [string, unknown] => [key, drawn[key].value]),
        ...extra,
      ];
      return {
        body: {
          text: jsonObjectText(entries),
          contentType: 'application/json',
          schemaInvalid,
        },
        refused,
      };
    })
    .filter(({ body, refused }) => body.schemaInvalid || refused)
    .map(({ body }) => body);
}

/**
 * Bodies of any shape: any JSON value, objects with prototype keys, text
 * that is no JSON, other content types, no body, and one past the size limit.
 * `without` keys are left out of objects, so that no drawn body is one the
 * endpoint would accept.
 */
export function anyBody(without: string[] = []): fc.Arbitrary<FuzzBody> {
  const lacksKeys = (value: unknown) =>
    typeof value !== 'object' ||
    value === null ||
    without.every(key => !Object.prototype.hasOwnProperty.call(value, key));
  // Only objects and arrays get past express.json to the schema; refused
  // there when they lack the required keys.
  const reachesSchemaInvalid = (value: unknown) =>
    without.length > 0 && typeof value === 'object' && value !== null;
  return fc.oneof(
    fc
      .jsonValue()
      .filter(lacksKeys)
      .map(value => ({
        text: JSON.stringify(value),
        contentType: 'application/json',
        schemaInvalid: reachesSchemaInvalid(value),
      })),
    fc
      .array(fc.tuple(extraKey(without), fc.jsonValue({ maxDepth: 3 })), {
        maxLength: 4,
      })
      .map(entries => ({
        text: jsonObjectText(entries),
        contentType: 'application/json',
        schemaInvalid: without.length > 0,
      })),
    fc.integer({ min: 1, max: 3000 }).map(depth => ({
      text: `{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`,
      contentType: 'application/json',
      schemaInvalid: without.length > 0,
    })),
    fc.string({ unit: 'grapheme' }).map(text => ({
      text,
      contentType: 'application/json',
      schemaInvalid: false,
    })),
    fc
      .tuple(
        fc.jsonValue({ maxDepth: 2 }),
        fc.constantFrom(
          'text/plain',
          'application/x-www-form-urlencoded',
          'application/json; charset=latin1',
          'application/vnd.api+json',
          'application/json-patch+json',
        ),
      )
      .map(([value, contentType]) => ({
        text: JSON.stringify(value),
        contentType,
        schemaInvalid: false,
      })),
    fc.constant<FuzzBody>({ schemaInvalid: false }),
    fc.constant<FuzzBody>({
      text: JSON.stringify({ reason: 'x'.repeat(200_000) }),
      contentType: 'application/json',
      schemaInvalid: false,
    }),
  );
}

/**
 * Path segments: odd text percent-encoded, and raw escapes that decode to a
 * slash, a dot segment or a NUL, or do not decode at all.
 */
export const oddSegment = fc.oneof(
  oddText.filter(text => text.length > 0).map(encodeURIComponent),
  fc.constantFrom(
    '%',
    '%zz',
    '%E0%A4%A',
    '%C0%AF',
    '%2F',
    '%2f..%2f',
    '%2e%2e',
    '%00',
    '%20',
    '%3A',
    '%3F',
    '%23',
    ';x=1',
    'a:b',
  ),
);

/** A query string, entry by entry, as a client might send it. */
export function queryString(
  entries: Array<[key: string, value: string | undefined]>,
) {
  return entries
    .map(([key, value]) => (value === undefined ? key : `${key}=${value}`))
    .join('&');
}

/** Values of query parameters: numbers at and past the edges, odd text, and raw escapes that do not decode. */
const queryValue = fc.oneof(
  oddText.map(encodeURIComponent),
  fc.constantFrom(
    '-1',
    '0',
    '1',
    '1.5',
    '1e99',
    '-1e99',
    '0x10',
    'Infinity',
    'NaN',
    '',
    '500',
    '501',
    '1000',
    '1001',
    '9007199254740993',
  ),
  fc.constantFrom('%', '%zz', '%E0%A4%A', 'a%00b'),
  fc.uuid(),
  fc.string({ minLength: 500, maxLength: 2000 }).map(encodeURIComponent),
);

/** `key`, `key[]`, `key[0]`, `key[x][y]`: qs makes arrays and objects of these. */
const querySuffix = fc.constantFrom(
  '',
  '',
  '',
  '[]',
  '[0]',
  '[1]',
  '[25]',
  '[x]',
  '[__proto__]',
  '[][]',
  '[a][b][c][d][e][f]',
  '%5B%5D',
);

/**
 * Query entries with the endpoint's keys (often with a value it accepts, so
 * that valid queries come up too), prototype keys and other keys, repeated
 * keys too.
 */
export function anyQueryEntries(
  keys: string[],
  validValues: string[] = [],
): fc.Arbitrary<Array<[string, string | undefined]>> {
  const key = fc.oneof(
    ...(keys.length > 0
      ? [{ arbitrary: fc.constantFrom(...keys), weight: 4 }]
      : []),
    { arbitrary: fc.constantFrom(...PROTOTYPE_KEYS), weight: 1 },
    { arbitrary: oddText.map(encodeURIComponent), weight: 1 },
  );
  const value =
    validValues.length > 0
      ? fc.oneof(queryValue, fc.constantFrom(...validValues))
      : queryValue;
  const odd = fc.array(
    fc
      .tuple(key, querySuffix, fc.option(value, { nil: undefined, freq: 8 }))
      .map(([k, suffix, v]): [string, string | undefined] => [
        `${k}${suffix}`,
        v,
      ]),
    { maxLength: 6 },
  );
  if (keys.length === 0 || validValues.length === 0) return odd;
  // Plain `key=value` entries of the endpoint's own, mostly accepted, some repeated.
  const plain = fc.array(
    fc.tuple(
      fc.constantFrom(...keys),
      fc.constantFrom<string | undefined>(...validValues),
    ),
    {
      maxLength: 3,
    },
  );
  return fc.oneof(odd, plain);
}
