import {
  renderPullRequestBody,
  type PullRequestBodyInput,
} from './renderPullRequestBody';

const DIGEST = `sha256:${'ab12'.repeat(16)}`;

const input: PullRequestBodyInput = {
  entityRef: 'component:default/payments',
  environment: 'prod',
  artifact: {
    image: 'ghcr.io/acme/payments',
    tag: 'sha-abc12345',
    digest: DIGEST,
  },
  requestedBy: 'user:default/alice',
  reason: 'Ship the refund fix',
  gates: [
    {
      name: 'source-match',
      status: 'passed',
      message: 'Runs in staging since 2026-03-01',
    },
    { name: 'soak', status: 'pending', message: 'Soaked 20h of 24h' },
  ],
  approvals: [
    { by: 'user:default/bob', decision: 'approve', comment: 'LGTM' },
    { by: 'user:default/carol', decision: 'approve' },
  ],
  link: 'https://backstage.acme.internal/catalog/default/component/payments/promotion?id=42',
};

/** The cells of a Markdown table row, split at the pipes that are not escaped. */
function cells(row: string): string[] {
  return row
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map(cell => cell.trim());
}

function tableRows(body: string, header: string): string[][] {
  const lines = body.split('\n');
  const start = lines.indexOf(header);
  expect(start).toBeGreaterThanOrEqual(0);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(cells(line));
  }
  return rows;
}

describe('renderPullRequestBody', () => {
  it('names what is promoted where, by whom, with the full digest', () => {
    const body = renderPullRequestBody(input);

    expect(body).toContain('`component:default/payments` to **prod**');
    expect(body).toContain('`user:default/alice`');
    expect(body).toContain('- Image: `ghcr.io/acme/payments`');
    expect(body).toContain('- Tag: `sha-abc12345`');
    expect(body).toContain(`- Digest: \`${DIGEST}\``);
  });

  it('lists every gate with its result and message in a table', () => {
    const rows = tableRows(
      renderPullRequestBody(input),
      '| Gate | Result | Details |',
    );

    expect(rows).toEqual([
      ['source-match', '✅ passed', 'Runs in staging since 2026-03-01'],
      ['soak', '⏳ pending', 'Soaked 20h of 24h'],
    ]);
  });

  it('lists the approvals with their comments', () => {
    const rows = tableRows(
      renderPullRequestBody(input),
      '| By | Decision | Comment |',
    );

    expect(rows).toEqual([
      ['user:default/bob', '✅ approve', 'LGTM'],
      ['user:default/carol', '✅ approve', ''],
    ]);
  });

  it('quotes the reason and links back to Backstage', () => {
    const body = renderPullRequestBody({
      ...input,
      reason: 'Refund fix\n\nSee INC-123',
    });

    expect(body).toContain('### Reason\n\n> Refund fix\n>\n> See INC-123');
    expect(body).toContain(
      `[Follow this promotion in Backstage](<${input.link}>)`,
    );
  });

  it('names the change ticket, linked to its page when there is one', () => {
    expect(
      renderPullRequestBody({
        ...input,
        changeTicket: {
          id: 'CHG0012345',
          url: 'https://itsm.acme.internal/change/CHG0012345',
        },
      }),
    ).toContain(
      '### Change ticket\n\n[`CHG0012345`](<https://itsm.acme.internal/change/CHG0012345>)',
    );
    expect(
      renderPullRequestBody({ ...input, changeTicket: { id: 'OPS-42' } }),
    ).toContain('### Change ticket\n\n`OPS-42`');
    expect(renderPullRequestBody(input)).not.toContain('### Change ticket');
  });

  it('keeps pipes and line breaks in user text from breaking the tables', () => {
    const body = renderPullRequestBody({
      ...input,
      gates: [
        {
          name: 'http',
          status: 'failed',
          message: 'scanner said: a | b\nCVE-2026-1 | high',
        },
      ],
      approvals: [
        { by: 'user:default/bob', decision: 'reject', comment: 'not | now\\' },
      ],
    });

    expect(tableRows(body, '| Gate | Result | Details |')).toEqual([
      ['http', '❌ failed', 'scanner said: a \\| b<br>CVE-2026-1 \\| high'],
    ]);
    // The user's backslash stays a backslash instead of escaping what follows.
    expect(tableRows(body, '| By | Decision | Comment |')).toEqual([
      ['user:default/bob', '❌ reject', 'not \\| now\\\\'],
    ]);
  });

  it('leaves out what is not there', () => {
    const body = renderPullRequestBody({
      ...input,
      artifact: { image: 'ghcr.io/acme/payments', digest: DIGEST },
      reason: undefined,
      gates: [],
      approvals: [],
    });

    expect(body).not.toContain('- Tag:');
    expect(body).not.toContain('### Reason');
    expect(body).toContain('No gates apply to this environment.');
    expect(body).toContain('No approvals were given.');
    expect(body).not.toContain('| Gate |');
  });

  it('caps long free text so the body stays within GitHub’s limit', () => {
    const body = renderPullRequestBody({
      ...input,
      gates: Array.from({ length: 30 }, (_, i) => ({
        name: `gate-${i}`,
        status: 'warning',
        message: 'x'.repeat(50_000),
      })),
      reason: 'y'.repeat(100_000),
    });

    expect(body.length).toBeLessThan(65_536);
    expect(body).toContain(`- Digest: \`${DIGEST}\``);
  });
});
