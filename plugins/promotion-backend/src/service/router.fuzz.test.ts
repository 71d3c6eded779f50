import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import request from 'supertest';
import { Knex } from 'knex';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { AuditorService } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  createTestRepository,
  digestOf,
  kustomization,
  TestRepository,
} from '../__testUtils__/testRepository';
import {
  componentEntity,
  startPromotionBackend,
} from '../__testUtils__/promotionTestBackend';
import {
  anyBody,
  anyQueryEntries,
  bodyWithFields,
  FieldSpec,
  FuzzBody,
  oddJsonString,
  oddSegment,
  queryString,
  wrongType,
} from '../__testUtils__/fuzzInputs';

jest.setTimeout(60_000);

// The fuzzing is about the router's validation, not the store: SQLite only, for speed.
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/** Runs per property: enough to reach every branch of the arbitraries, few enough for a 2-core machine. */
const NUM_RUNS = 75;

const IMAGE = 'ghcr.io/acme/payments';
const PAYMENTS = componentEntity('payments');

interface FuzzCall {
  method: 'get' | 'post';
  /** The path below /api/promotion, already percent-encoded. */
  path: string;
  query?: string;
  body?: FuzzBody;
  /** The start of the message of the 400 the call must get: its input breaks the endpoint's schema. */
  invalidAs?: string;
}

/** What the fuzzed routes need from the running backend: the request it was seeded with. */
interface Seeded {
  /** A promotion into staging that awaits approval, requested by the caller. */
  awaitingId: string;
}

// --- Path parameters -------------------------------------------------------

type EntitySegments = { kind: string; namespace: string; name: string };

/**
 * Whether express hands the handler segments whose entity reference the
 * catalog cannot parse, e.g. kind ':' or namespace '/' ('component://payments').
 */
function breaksEntityRef(segments: EntitySegments) {
  let params: EntitySegments;
  try {
    params = {
      kind: decodeURIComponent(segments.kind),
      namespace: decodeURIComponent(segments.namespace),
      name: decodeURIComponent(segments.name),
    };
  } catch {
    return false; // express refuses an escape that does not decode before any handler runs
  }
  try {
    parseEntityRef(stringifyEntityRef(params));
    return false;
  } catch {
    return true;
  }
}

const anyEntitySegments = (
  kinds: fc.Arbitrary<string>,
  namespaces: fc.Arbitrary<string>,
) =>
  fc.record({
    // The entity's own segments often, so that the handler past the catalog lookup is fuzzed too.
    kind: fc.oneof(
      { arbitrary: fc.constantFrom('component', 'Component'), weight: 3 },
      { arbitrary: kinds, weight: 2 },
    ),
    namespace: fc.oneof(
      { arbitrary: fc.constantFrom('default', 'DEFAULT'), weight: 3 },
      { arbitrary: namespaces, weight: 2 },
    ),
    name: fc.oneof(
      { arbitrary: fc.constant('payments'), weight: 3 },
      { arbitrary: oddSegment, weight: 2 },
    ),
  });

const entitySegments = anyEntitySegments(oddSegment, oddSegment);

/** Kinds and namespaces that break the reference: ':' or '/' where the ref's separators go. */
const refBreakingSegments = anyEntitySegments(
  fc.oneof(
    fc.constantFrom('%3A', '%3Acomponent', '%2F', 'a%2Fb', '%2Fcomponent'),
    oddSegment,
  ),
  fc.oneof(fc.constantFrom('%2F', '%2Fdefault'), oddSegment),
).filter(breaksEntityRef);
const environmentSegment = fc.oneof(
  fc.constantFrom('dev', 'staging', 'prod', 'qa'),
  oddSegment,
);
const entityPath = (e: EntitySegments) =>
  `/entities/${e.kind}/${e.namespace}/${e.name}`;

/** Ids that name no request: no uuid, other uuids, the seeded one bent out of shape. */
const unknownId = (seeded: Seeded) =>
  fc.oneof(
    fc.uuid(),
    fc.uuid().map(id => id.toUpperCase()),
    fc.constantFrom(
      '00000000-0000-0000-0000-000000000000',
      `${seeded.awaitingId}x`,
      encodeURIComponent(` ${seeded.awaitingId}`),
      seeded.awaitingId.replace(/-/g, ''),
      `${seeded.awaitingId}%00`,
    ),
    oddSegment,
  );

// --- Body fields: valid, refused after the schema, or invalid --------------

const notEntityRef = (value: string) => {
  try {
    parseEntityRef(value);
    return false;
  } catch {
    return true;
  }
};
const notSlug = (value: string) => !/^[a-z0-9-]+$/.test(value);

const entityRefField: FieldSpec = {
  valid: fc.constantFrom('component:default/payments', 'Component:payments'),
  // Well-formed references to entities the catalog does not have.
  refused: fc.constantFrom(
    'component:default/unknown',
    'user:default/alice',
    `component:default/${'a'.repeat(5000)}`,
  ),
  invalid: fc.oneof(
    wrongType,
    fc.constantFrom(
      '',
      'payments',
      'component:',
      'component:default/',
      ':/',
      'default/payments',
    ),
    oddJsonString.filter(notEntityRef),
  ),
};
const environmentField: FieldSpec = {
  valid: fc.constantFrom('staging', 'prod'),
  refused: fc.constantFrom('qa', 'a'.repeat(300)),
  invalid: fc.oneof(
    wrongType,
    fc.constantFrom(
      'Staging',
      'staging ',
      '',
      'stag ing',
      'staging!',
      'ステージ',
    ),
    oddJsonString.filter(notSlug),
  ),
};
const digestField: FieldSpec = {
  valid: fc.constant(digestOf('c')),
  invalid: fc.oneof(
    wrongType,
    fc.constantFrom(
      'sha256:abc',
      `SHA256:${'C'.repeat(64)}`,
      `sha256:${'C'.repeat(64)}`,
      `md5:${'c'.repeat(32)}`,
      `${digestOf('c')}\n`,
    ),
    oddJsonString,
  ),
};
const tagField: FieldSpec = {
  valid: fc.constant('1.1.0'),
  invalid: fc.oneof(
    wrongType,
    fc.constantFrom('', '-x', '.x', 'a b', '1.0.0/../x', 'a'.repeat(129)),
  ),
};
const dryRunField: FieldSpec = {
  valid: fc.boolean(),
  invalid: fc.constantFrom('true', 'false', 1, 0, null, [], {}, [true]),
};
const longOrWrong = fc.oneof(
  wrongType.filter(v => typeof v !== 'string'),
  fc.string({ minLength: 2001, maxLength: 2100 }),
  fc.constant('x'.repeat(20_000)),
);
/** Reasons a rollback or bypass refuses: short, only whitespace around little, too long, not text. */
const badReason = fc.oneof(
  longOrWrong,
  fc.constantFrom(
    '',
    'too short',
    '   padded   ',
    '\t\n'.repeat(10),
    '\u00a0'.repeat(12),
  ),
);

const promotionBody = bodyWithFields({
  required: { entityRef: entityRefField, targetEnvironment: environmentField },
  optional: {
    sourceEnvironment: {
      valid: fc.constantFrom('dev', 'staging'),
      invalid: environmentField.invalid,
    },
    digest: digestField,
    tag: tagField,
    reason: { valid: fc.constant('ship it'), invalid: longOrWrong },
    dryRun: dryRunField,
  },
});

const rollbackBody = bodyWithFields({
  required: { entityRef: entityRefField, environment: environmentField },
  optional: {
    digest: digestField,
    tag: tagField,
    reason: {
      valid: fc.constant('checkout fails on 1.1.0'),
      invalid: badReason,
    },
    dryRun: dryRunField,
  },
  // Only a dry run may leave out why.
  schemaRefuses: f =>
    f.reason.state === 'absent' &&
    !(f.dryRun.state === 'valid' && f.dryRun.value === true),
});

const decisionBody = bodyWithFields({
  required: {
    decision: {
      valid: fc.constantFrom('approve', 'reject'),
      invalid: fc.oneof(
        wrongType,
        fc.constantFrom('', 'APPROVE', 'approved', 'bypass', 'approve '),
      ),
    },
  },
  optional: {
    comment: { valid: fc.constant('looks good'), invalid: longOrWrong },
    digest: {
      valid: fc.constant(digestOf('b')),
      invalid: fc.oneof(wrongType, fc.constantFrom('', 'x'.repeat(201))),
    },
  },
});

const bypassBody = bodyWithFields({
  required: {
    reason: {
      valid: fc.constant('payments outage: ship the fix'),
      invalid: badReason,
    },
  },
  optional: {},
});

const syncBody = bodyWithFields({
  required: {},
  optional: {
    reason: { valid: fc.constant('after the fix'), invalid: longOrWrong },
  },
});

/** A body the endpoint accepts, for calls whose path is what must be refused. */
const json = (value: object): FuzzBody => ({
  text: JSON.stringify(value),
  contentType: 'application/json',
  schemaInvalid: false,
});

const postBody = (arbitrary: fc.Arbitrary<FuzzBody>, invalidAs: string) =>
  arbitrary.map(body => ({
    body,
    ...(body.schemaInvalid ? { invalidAs } : {}),
  }));

/**
 * Calls of `POST /promotions/:id/<action>`: bodies that break the schema, for
 * the seeded request or one that does not exist, and a valid body for one
 * that does not exist (a 404, since the body is checked first).
 */
const requestActionCalls = (
  seeded: Seeded,
  action: string,
  bodies: fc.Arbitrary<FuzzBody>[],
  invalidAs: string,
  validBody: object,
) =>
  fc.oneof(
    fc
      .tuple(
        fc.oneof(fc.constant(seeded.awaitingId), unknownId(seeded)),
        fc.oneof(...bodies.map(body => postBody(body, invalidAs))),
      )
      .map(
        ([id, call]): FuzzCall => ({
          method: 'post',
          path: `/promotions/${id}/${action}`,
          ...call,
        }),
      ),
    unknownId(seeded).map(
      (id): FuzzCall => ({
        method: 'post',
        path: `/promotions/${id}/${action}`,
        body: json(validBody),
      }),
    ),
  );

// --- Queries ---------------------------------------------------------------

/**
 * Query strings with one entry the schema refuses, among any others: merging
 * repeated keys into arrays or objects only makes that entry worse.
 */
function invalidQuery(
  keys: string[],
  values: string[],
  bad: Array<[string, string]>,
) {
  return fc
    .tuple(anyQueryEntries(keys, values), fc.constantFrom(...bad), fc.nat())
    .map(([entries, entry, at]) => {
      const all = [...entries];
      all.splice(at % (all.length + 1), 0, entry);
      return queryString(all);
    });
}

const LIST_KEYS = [
  'entityRef',
  'environment',
  'status',
  'awaitingMyApproval',
  'limit',
  'cursor',
];
/** A page cursor as GET /promotions writes one: base64url of JSON. */
const cursorOf = (value: unknown) =>
  Buffer.from(JSON.stringify(value)).toString('base64url');
const LIST_VALUES = [
  'component%3Adefault%2Fpayments',
  'Component%3Apayments',
  'staging',
  'awaiting-approval',
  'true',
  'false',
  '5',
  cursorOf([
    '2026-01-01T00:00:00.000Z',
    '3f0c1a52-8f3e-4d5b-9b7a-0e6f1c2d4a5b',
  ]),
  cursorOf(['9999-12-31T23:59:59Z', '00000000-0000-0000-0000-000000000000']),
];
const LIST_INVALID: Array<[string, string]> = [
  ['limit', '0'],
  ['limit', '-1'],
  ['limit', '501'],
  ['limit', '1e99'],
  ['limit', '1.5'],
  ['limit', 'ten'],
  ['limit', ''],
  ['status', 'bogus'],
  ['status[]', 'gating'],
  ['status[status]', 'gating'],
  ['environment', 'Staging%21'],
  ['entityRef', 'payments'],
  ['entityRef[]', 'component%3Adefault%2Fpayments'],
  ['awaitingMyApproval', 'yes'],
  ['awaitingMyApproval[]', 'true'],
  ['cursor', ''],
  ['cursor', 'x'.repeat(201)],
  ['cursor', 'bm90LWEtY3Vyc29y'],
  ['cursor', cursorOf(['yesterday', '3f0c1a52-8f3e-4d5b-9b7a-0e6f1c2d4a5b'])],
  [
    'cursor',
    Buffer.from('{"__proto__":["2026-01-01T00:00:00Z"]}').toString('base64url'),
  ],
  ['cursor', cursorOf(null)],
  [
    'cursor[]',
    cursorOf([
      '2026-01-01T00:00:00.000Z',
      '3f0c1a52-8f3e-4d5b-9b7a-0e6f1c2d4a5b',
    ]),
  ],
  ['page', '2'],
];

const AUDIT_KEYS = [
  'entityRef',
  'environment',
  'promotionId',
  'action',
  'actor',
  'after',
  'limit',
  'format',
];
const AUDIT_VALUES = [
  'component%3Adefault%2Fpayments',
  'staging',
  'promotion.requested',
  'user%3Adefault%2Falice',
  '1',
  '2',
  'csv',
  'jsonl',
];
const AUDIT_FILTER_INVALID: Array<[string, string]> = [
  ['limit', '0'],
  ['limit', '1001'],
  ['limit', '1e99'],
  ['limit[]', '5x'],
  ['after', '-1'],
  ['after', '1.5'],
  ['after', 'next'],
  ['promotionId', 'not-a-uuid'],
  ['promotionId[]', '3f0c1a52-8f3e-4d5b-9b7a-0e6f1c2d4a5b'],
  ['action', 'Promotion.approved'],
  ['action', 'deploy'],
  ['actor', ''],
  ['environment', 'QA!'],
  ['entityRef', 'Component%3A'],
  ['format', 'xml'],
  ['format[]', 'csv'],
  ['cursor', '1'],
];

// --- The routes ------------------------------------------------------------

type Route = [name: string, calls: (seeded: Seeded) => fc.Arbitrary<FuzzCall>];

const MUTATIONS: Route[] = [
  [
    'POST /promotions (dry runs too)',
    () =>
      fc
        .oneof(
          postBody(promotionBody, 'Invalid promotion request'),
          postBody(
            anyBody(['entityRef', 'targetEnvironment']),
            'Invalid promotion request',
          ),
        )
        .map(call => ({ method: 'post', path: '/promotions', ...call })),
  ],
  [
    'POST /rollbacks',
    () =>
      fc
        .oneof(
          postBody(rollbackBody, 'Invalid rollback request'),
          postBody(
            anyBody(['entityRef', 'environment']),
            'Invalid rollback request',
          ),
        )
        .map(call => ({ method: 'post', path: '/rollbacks', ...call })),
  ],
  [
    'POST /entities/:kind/:namespace/:name/environments/:environment/hold/release',
    // Nothing is held, so even the right path is refused (409).
    () =>
      fc
        .tuple(entitySegments, environmentSegment, anyBody())
        .map(([entity, env, body]) => ({
          method: 'post',
          path: `${entityPath(entity)}/environments/${env}/hold/release`,
          body,
        })),
  ],
  [
    'POST /entities/:kind/:namespace/:name/environments/:environment/sync',
    // No environment has Argo CD here, so even a right path and body are refused (400).
    () =>
      fc.oneof(
        fc.tuple(entitySegments, environmentSegment, anyBody()).map(
          ([entity, env, body]): FuzzCall => ({
            method: 'post',
            path: `${entityPath(entity)}/environments/${env}/sync`,
            body,
          }),
        ),
        postBody(syncBody, 'Invalid sync').map(
          (call): FuzzCall => ({
            method: 'post',
            path: '/entities/component/default/payments/environments/staging/sync',
            ...call,
          }),
        ),
      ),
  ],
  [
    'POST /promotions/:id/approvals',
    seeded =>
      requestActionCalls(
        seeded,
        'approvals',
        [decisionBody, anyBody(['decision'])],
        'Invalid decision',
        {
          decision: 'reject',
          comment: 'not during the sale',
        },
      ),
  ],
  [
    'POST /promotions/:id/bypass',
    seeded =>
      requestActionCalls(
        seeded,
        'bypass',
        [bypassBody, anyBody(['reason'])],
        'Invalid bypass',
        {
          reason: 'payments outage: ship the fix',
        },
      ),
  ],
  [
    'POST /promotions/:id/cancel',
    // Not the seeded id: cancelling it is allowed and would change it.
    seeded =>
      fc.tuple(unknownId(seeded), anyBody()).map(([id, body]) => ({
        method: 'post',
        path: `/promotions/${id}/cancel`,
        body,
      })),
  ],
  [
    'POST /promotions/:id/gates/rerun',
    // The seeded request awaits approval, so re-running its gates is refused (409).
    seeded =>
      fc
        .tuple(
          fc.oneof(fc.constant(seeded.awaitingId), unknownId(seeded)),
          anyBody(),
        )
        .map(([id, body]) => ({
          method: 'post',
          path: `/promotions/${id}/gates/rerun`,
          body,
        })),
  ],
];

const READS: Route[] = [
  [
    'GET /entities/:kind/:namespace/:name/pipeline',
    () =>
      fc.tuple(entitySegments, anyQueryEntries([])).map(([entity, query]) => ({
        method: 'get',
        path: `${entityPath(entity)}/pipeline`,
        query: queryString(query),
      })),
  ],
  [
    'GET /entities/:kind/:namespace/:name/environments/:environment/history',
    () =>
      fc.tuple(entitySegments, environmentSegment).map(([entity, env]) => ({
        method: 'get',
        path: `${entityPath(entity)}/environments/${env}/history`,
      })),
  ],
  [
    'GET /promotions',
    () =>
      fc.oneof(
        anyQueryEntries(LIST_KEYS, LIST_VALUES).map(
          (q): FuzzCall => ({
            method: 'get',
            path: '/promotions',
            query: queryString(q),
          }),
        ),
        invalidQuery(LIST_KEYS, LIST_VALUES, LIST_INVALID).map(
          (query): FuzzCall => ({
            method: 'get',
            path: '/promotions',
            query,
            invalidAs: 'Invalid query',
          }),
        ),
      ),
  ],
  [
    'GET /promotions/:id',
    seeded =>
      fc
        .tuple(
          fc.oneof(fc.constant(seeded.awaitingId), unknownId(seeded)),
          anyQueryEntries([]),
        )
        .map(([id, query]) => ({
          method: 'get',
          path: `/promotions/${id}`,
          query: queryString(query),
        })),
  ],
  ...(['/audit', '/audit/export'] as const).map(
    (route): Route => [
      `GET ${route}`,
      () =>
        fc.oneof(
          anyQueryEntries(AUDIT_KEYS, AUDIT_VALUES).map(
            (q): FuzzCall => ({
              method: 'get',
              path: route,
              query: queryString(q),
            }),
          ),
          invalidQuery(AUDIT_KEYS, AUDIT_VALUES, [
            ...AUDIT_FILTER_INVALID,
            ...(route === '/audit'
              ? ([['format', 'jsonl']] as Array<[string, string]>)
              : []),
          ]).map(
            (query): FuzzCall => ({
              method: 'get',
              path: route,
              query,
              invalidAs: 'Invalid audit query',
            }),
          ),
        ),
    ],
  ),
  [
    'GET /audit/verify',
    () =>
      fc.oneof(
        anyQueryEntries(
          [...AUDIT_KEYS, 'anchor'],
          [...AUDIT_VALUES, `1%3A${'a'.repeat(64)}`],
        ).map(
          (q): FuzzCall => ({
            method: 'get',
            path: '/audit/verify',
            query: queryString(q),
          }),
        ),
        invalidQuery([...AUDIT_KEYS, 'anchor'], AUDIT_VALUES, [
          ...AUDIT_FILTER_INVALID,
          ['anchor', 'bad'],
          ['anchor', `1%3A${'g'.repeat(64)}`],
          ['anchor', `-1%3A${'a'.repeat(64)}`],
          ['anchor[x]', '1'],
        ]).map(
          (query): FuzzCall => ({
            method: 'get',
            path: '/audit/verify',
            query,
            invalidAs: 'Invalid audit query',
          }),
        ),
      ),
  ],
];

describe('promotion router under fuzzed input', () => {
  let repo: TestRepository;
  let workingDirectory: string;
  let knex: Knex;
  let server: Awaited<ReturnType<typeof startPromotionBackend>>;
  let seeded: Seeded;
  let promotionTables: string[];
  /** Auditor events that reported success: each is a change the API made. */
  let succeededEvents = 0;

  const asUser = mockCredentials.user.header('user:default/alice');

  beforeAll(async () => {
    workingDirectory = fs.mkdtempSync(
      path.join(os.tmpdir(), 'promotion-router-fuzz-'),
    );
    repo = createTestRepository({
      'apps/payments/dev/kustomization.yaml': kustomization(
        IMAGE,
        '1.1.0',
        digestOf('b'),
      ),
      'apps/payments/staging/kustomization.yaml': kustomization(
        IMAGE,
        '1.0.0',
        digestOf('a'),
      ),
      'apps/payments/prod/kustomization.yaml': kustomization(
        IMAGE,
        '1.0.0',
        digestOf('a'),
      ),
    });
    knex = await databases.init('SQLITE_3');
    const auditor = mockServices.auditor.mock({
      createEvent: (async () => ({
        success: async () => {
          succeededEvents++;
        },
        fail: async () => {},
      })) as AuditorService['createEvent'],
    });
    server = await startPromotionBackend({
      repoUrl: repo.url,
      workingDirectory,
      environments: [
        { name: 'dev' },
        { name: 'staging', approval: { required: 1 } },
        { name: 'prod' },
      ],
      services: [
        mockServices.database.factory({ knex }),
        auditor.factory,
        catalogServiceMock.factory({ entities: [PAYMENTS] }),
        // Every permission is granted, so that what is fuzzed is validation, not the policy.
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      ],
    });

    // A request that waits for approval, so that ids of a real request are fuzzed too.
    const created = await request(server)
      .post('/api/promotion/promotions')
      .set('Authorization', asUser)
      .send({
        entityRef: 'component:default/payments',
        targetEnvironment: 'staging',
      });
    if (created.status !== 201) {
      throw new Error(
        `Could not seed a request: ${created.status} ${created.text}`,
      );
    }
    let status = created.body.status;
    for (let i = 0; i < 200 && status !== 'awaiting-approval'; i++) {
      await new Promise(resolve => setTimeout(resolve, 25));
      status = (
        await request(server)
          .get(`/api/promotion/promotions/${created.body.id}`)
          .set('Authorization', asUser)
      ).body.status;
    }
    if (status !== 'awaiting-approval') {
      throw new Error(`The seeded request is ${status}, not awaiting approval`);
    }
    seeded = { awaitingId: created.body.id };

    const tables = await knex('sqlite_master')
      .where({ type: 'table' })
      .select<Array<{ name: string }>>('name');
    promotionTables = tables
      .map(t => t.name)
      .filter(name => name.startsWith('promotion_'));
    if (!promotionTables.includes('promotion_audit_record')) {
      throw new Error(`No promotion tables among ${tables.map(t => t.name)}`);
    }
  });

  afterAll(() => {
    repo?.cleanup();
    if (workingDirectory)
      fs.rmSync(workingDirectory, { recursive: true, force: true });
  });

  /**
   * Everything a change would touch: every row of the plugin's tables (not
   * the scheduler's, which move on their own), the auditor's successes, and
   * every ref of the remote.
   */
  async function state() {
    const rows: Record<string, unknown[]> = {};
    for (const table of promotionTables)
      rows[table] = await knex(table).select();
    return {
      rows,
      succeededEvents,
      refs: repo.git(['for-each-ref', '--format=%(refname) %(objectname)']),
    };
  }

  function send(call: FuzzCall) {
    const url = `/api/promotion${call.path}${
      call.query ? `?${call.query}` : ''
    }`;
    let req = request(server)[call.method](url).set('Authorization', asUser);
    if (call.body?.contentType)
      req = req.set('Content-Type', call.body.contentType);
    return call.body?.text === undefined ? req : req.send(call.body.text);
  }

  /** Express answers 400 for a path escape that does not decode, before any handler validates the body. */
  const decodes = (urlPath: string) => {
    try {
      urlPath.split('/').forEach(segment => decodeURIComponent(segment));
      return true;
    } catch {
      return false;
    }
  };

  /**
   * Sends the call and checks the answer, and that nothing changed; a 5xx
   * fails with the server's error.
   */
  async function answerOf(
    call: FuzzCall,
    allowed: (status: number) => boolean,
  ) {
    const before = await state();
    const res = await send(call);
    if (res.status >= 500 || !allowed(res.status)) {
      throw new Error(
        `${call.method.toUpperCase()} ${call.path}${
          call.query ? `?${call.query}` : ''
        } answered ${res.status}: ${res.text}`,
      );
    }
    if (call.invalidAs && decodes(call.path)) {
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(
        new RegExp(`^${call.invalidAs}: `),
      );
    }
    expect(await state()).toEqual(before);
  }

  const isClientError = (status: number) => status >= 400 && status < 500;

  it.each(MUTATIONS)(
    'answers 4xx and writes nothing for any input to %s',
    async (_name, calls) => {
      expect.hasAssertions();
      await fc.assert(
        fc.asyncProperty(calls(seeded), call => answerOf(call, isClientError)),
        { numRuns: NUM_RUNS },
      );
    },
  );

  // The entity routes once joined the path parts into 'kind:namespace/name'
  // for the catalog, which could not parse it back for a kind ':' or a
  // namespace '/' (a TypeError, 500); such paths are sent on purpose here.
  it.each([
    ['GET', 'pipeline'],
    ['GET', 'environments/staging/history'],
    ['POST', 'environments/staging/hold/release'],
    ['POST', 'environments/staging/sync'],
  ] as const)(
    'answers 4xx and writes nothing for a %s .../%s path whose kind or namespace breaks the entity reference',
    async (method, rest) => {
      expect.hasAssertions();
      await fc.assert(
        fc.asyncProperty(refBreakingSegments, segments =>
          answerOf(
            {
              method: method === 'GET' ? 'get' : 'post',
              path: `${entityPath(segments)}/${rest}`,
            },
            isClientError,
          ),
        ),
        { numRuns: 10 },
      );
    },
  );

  it.each(READS)(
    'answers 2xx or 4xx, never 5xx, and writes nothing for any query of %s',
    async (_name, calls) => {
      expect.hasAssertions();
      await fc.assert(
        fc.asyncProperty(calls(seeded), call =>
          answerOf(
            call,
            status => isClientError(status) || (status >= 200 && status < 300),
          ),
        ),
        { numRuns: NUM_RUNS },
      );
    },
  );

  // Last, as it changes the seeded request: proves that the comparison above
  // sees a write, so that "writes nothing" is not true of any call.
  it('sees the change when a call does write: cancelling the seeded request', async () => {
    const before = await state();
    const res = await send({
      method: 'post',
      path: `/promotions/${seeded.awaitingId}/cancel`,
    });
    expect(res.status).toBe(200);
    const after = await state();
    expect(after.rows.promotion_request).not.toEqual(
      before.rows.promotion_request,
    );
    expect(after.rows.promotion_audit_record.length).toBeGreaterThan(
      before.rows.promotion_audit_record.length,
    );
    expect(after.succeededEvents).toBeGreaterThan(before.succeededEvents);
  });
});
