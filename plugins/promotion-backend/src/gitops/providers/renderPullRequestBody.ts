export interface PullRequestBodyInput {
  entityRef: string;
  environment: string;
  artifact: { image: string; tag?: string; digest?: string };
  /** Entity ref of the user who asked for the promotion. */
  requestedBy: string;
  reason?: string;
  /** The change ticket the request names, with its page where the environment names one. */
  changeTicket?: { id: string; url?: string };
  /** Status as the gate runner reports it: passed, failed, pending or warning. */
  gates: Array<{ name: string; status: string; message?: string }>;
  approvals: Array<{ by: string; decision: string; comment?: string }>;
  /** The promotion's page in Backstage. */
  link: string;
}

const GATE_ICONS: Record<string, string> = {
  passed: '✅',
  failed: '❌',
  pending: '⏳',
  warning: '⚠️',
};

const DECISION_ICONS: Record<string, string> = {
  approve: '✅',
  approved: '✅',
  reject: '❌',
  rejected: '❌',
};

// GitHub refuses bodies over 65,536 characters. Capping the free text that
// people and gate services write keeps a talkative gate from failing the
// promotion, with room for dozens of gates and approvals.
const MAX_CELL = 1_000;
const MAX_REASON = 10_000;

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A table cell: a pipe would end the cell and a line break the row. */
function cell(text: string | undefined): string {
  if (!text) {
    return '';
  }
  return truncate(text, MAX_CELL)
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, '<br>');
}

/** An inline code span that holds any text, backticks included (CommonMark §6.1). */
function code(text: string): string {
  const longestRun = Math.max(
    0,
    ...(text.match(/`+/g) ?? []).map(run => run.length),
  );
  const fence = '`'.repeat(longestRun + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

function quote(text: string): string {
  return truncate(text, MAX_REASON)
    .split(/\r?\n/)
    .map(line => `> ${line}`.trimEnd())
    .join('\n');
}

/**
 * The body of a promotion's pull or merge request (GitHub and GitLab
 * Markdown): what is promoted, why, which gates passed, who approved, and
 * where to follow it in Backstage, so that a reviewer needs nothing else.
 */
export function renderPullRequestBody(input: PullRequestBodyInput): string {
  const {
    entityRef,
    environment,
    artifact,
    requestedBy,
    reason,
    changeTicket,
    gates,
    approvals,
    link,
  } = input;
  const lines: string[] = [
    `Promotion of ${code(entityRef)} to **${environment}**, requested by ${code(
      requestedBy,
    )}.`,
    '',
    '### Artifact',
    '',
    `- Image: ${code(artifact.image)}`,
  ];
  if (artifact.tag) {
    lines.push(`- Tag: ${code(artifact.tag)}`);
  }
  if (artifact.digest) {
    lines.push(`- Digest: ${code(artifact.digest)}`);
  }

  if (changeTicket) {
    lines.push(
      '',
      '### Change ticket',
      '',
      changeTicket.url
        ? `[${code(changeTicket.id)}](<${changeTicket.url}>)`
        : code(changeTicket.id),
    );
  }

  if (reason?.trim()) {
    lines.push('', '### Reason', '', quote(reason.trim()));
  }

  lines.push('', '### Gates', '');
  if (gates.length === 0) {
    lines.push('No gates apply to this environment.');
  } else {
    lines.push('| Gate | Result | Details |', '| --- | --- | --- |');
    for (const gate of gates) {
      const icon = GATE_ICONS[gate.status];
      const result = icon ? `${icon} ${gate.status}` : gate.status;
      lines.push(
        `| ${cell(gate.name)} | ${cell(result)} | ${cell(gate.message)} |`,
      );
    }
  }

  lines.push('', '### Approvals', '');
  if (approvals.length === 0) {
    lines.push('No approvals were given.');
  } else {
    lines.push('| By | Decision | Comment |', '| --- | --- | --- |');
    for (const approval of approvals) {
      const icon = DECISION_ICONS[approval.decision];
      const decision = icon
        ? `${icon} ${approval.decision}`
        : approval.decision;
      lines.push(
        `| ${cell(approval.by)} | ${cell(decision)} | ${cell(
          approval.comment,
        )} |`,
      );
    }
  }

  lines.push('', `[Follow this promotion in Backstage](<${link}>)`, '');
  return lines.join('\n');
}
