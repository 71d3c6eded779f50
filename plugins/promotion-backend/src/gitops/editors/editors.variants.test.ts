import { DottedPathEditor } from './DottedPathEditor';
import { KustomizeImageEditor } from './KustomizeImageEditor';

/**
 * Table-driven stand-in for a property-based test: manifests are generated
 * from combinations of indentation, quoting, comment placement, document
 * markers and line endings, recording where the pinned scalars are while the
 * text is composed. Each edit must change exactly those bytes.
 */

type Style = 'plain' | 'double' | 'single';

const QUOTES: Record<Style, string> = { double: '"', single: "'", plain: '' };
const quote = (value: string, style: Style) =>
  `${QUOTES[style]}${value}${QUOTES[style]}`;

const STYLES: Style[] = ['plain', 'double', 'single'];
const COMMENTS = ['', ' # pinned by CI', '   # aligned  ', ' #tight'];
const IMAGES = [
  'ghcr.io/acme/web',
  'ghcr.io/acme/api',
  'registry.local:5000/acme/worker',
];

interface Variant {
  eol: string;
  indent: number;
  tagStyle: Style;
  digestStyle: Style;
  comment: string;
  commentAbove: boolean;
  marker: boolean;
  blankLines: boolean;
  target: number;
}

const VARIANTS: Variant[] = Array.from({ length: 12 }, (_, i) => ({
  eol: i % 2 ? '\r\n' : '\n',
  indent: i % 4 < 2 ? 2 : 4,
  tagStyle: STYLES[i % 3],
  digestStyle: STYLES[(i + 1) % 3],
  comment: COMMENTS[i % 4],
  commentAbove: i % 3 === 1,
  marker: i % 5 !== 0,
  blankLines: i % 2 === 0,
  target: i % IMAGES.length,
}));

const name = (v: Variant) =>
  `${v.eol === '\n' ? 'LF' : 'CRLF'}, indent ${v.indent}, tag ${
    v.tagStyle
  }, digest ${v.digestStyle}, ` +
  `comment ${JSON.stringify(v.comment)}${v.commentAbove ? ' + above' : ''}${
    v.marker ? ', ---' : ''
  }, ` +
  `target #${v.target}`;

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const NEW_DIGEST = digest('f');
const NEW_TAG = '2.0.0-rc.1';

/** Composes text line by line and records the ranges of marked scalars. */
class Composer {
  text = '';
  readonly ranges: Record<string, [number, number]> = {};
  constructor(private readonly eol: string) {}
  line(content: string) {
    this.text += content + this.eol;
  }
  scalar(key: string, prefix: string, scalar: string, suffix: string) {
    const start = this.text.length + prefix.length;
    this.ranges[key] = [start, start + scalar.length];
    this.line(prefix + scalar + suffix);
  }
}

/** The text with each recorded range replaced: the only change an edit may make. */
function splice(
  text: string,
  replacements: Array<[[number, number], string]>,
): string {
  return [...replacements]
    .sort(([a], [b]) => b[0] - a[0])
    .reduce(
      (result, [[start, end], value]) =>
        result.slice(0, start) + value + result.slice(end),
      text,
    );
}

describe.each(VARIANTS.map(v => [name(v), v] as const))(
  'manifest variant: %s',
  (_, v) => {
    const pad = ' '.repeat(v.indent);

    it('kustomize: only the target tag and digest scalars change', () => {
      const out = new Composer(v.eol);
      if (v.marker) out.line('---');
      if (v.commentAbove) out.line('# overlay for prod');
      out.line('apiVersion: kustomize.config.k8s.io/v1beta1');
      out.line('kind: Kustomization');
      if (v.blankLines) out.line('');
      out.line('images:');
      IMAGES.forEach((image, i) => {
        if (v.blankLines && i) out.line('');
        if (v.commentAbove) out.line(`${pad}# ${image}`);
        out.line(`${pad}- name: ${image}`);
        const field = (key: string) => (i === v.target ? key : `${key}-${i}`);
        out.scalar(
          field('tag'),
          `${pad}  newTag: `,
          quote(`1.${i}.0`, v.tagStyle),
          v.comment,
        );
        out.scalar(
          field('digest'),
          `${pad}  digest: `,
          quote(digest(String(i)), v.digestStyle),
          v.comment,
        );
      });
      out.line('resources:');
      out.line(`${pad}- ../../base`);
      if (v.marker) out.line('...');

      const editor = new KustomizeImageEditor(IMAGES[v.target]);
      const output = editor.writePin(out.text, 'kustomization.yaml', {
        tag: NEW_TAG,
        digest: NEW_DIGEST,
      });

      expect(output).toBe(
        splice(out.text, [
          [out.ranges.tag, quote(NEW_TAG, v.tagStyle)],
          [out.ranges.digest, quote(NEW_DIGEST, v.digestStyle)],
        ]),
      );
      expect(editor.readPin(output, 'kustomization.yaml')).toEqual({
        tag: NEW_TAG,
        digest: NEW_DIGEST,
      });
      expect(output.split('\r\n').length).toBe(out.text.split('\r\n').length);
    });

    it('helm values: only the scalar at image.digest changes', () => {
      const out = new Composer(v.eol);
      if (v.marker) out.line('---');
      if (v.commentAbove) out.line('# Default values for api.');
      out.line('defaults: &defaults');
      out.line(`${pad}pullPolicy: IfNotPresent`);
      if (v.blankLines) out.line('');
      out.line('image:');
      out.line(
        `${pad}repository: ${quote('ghcr.io/acme/api', v.tagStyle)}${
          v.comment
        }`,
      );
      if (v.commentAbove) out.line(`${pad}# set by promotion`);
      out.scalar(
        'digest',
        `${pad}digest: `,
        quote(digest('a'), v.digestStyle),
        v.comment,
      );
      out.line(`${pad}tag: ${quote('1.0.0', v.tagStyle)}`);
      if (v.blankLines) out.line('');
      out.line('worker:');
      out.line(`${pad}<<: *defaults`);
      out.line(`${pad}digest: ${quote(digest('a'), v.digestStyle)}`);

      const editor = new DottedPathEditor({ digest: 'image.digest' });
      const output = editor.writePin(out.text, 'values.yaml', {
        digest: NEW_DIGEST,
      });

      expect(output).toBe(
        splice(out.text, [
          [out.ranges.digest, quote(NEW_DIGEST, v.digestStyle)],
        ]),
      );
      expect(editor.readPin(output, 'values.yaml')).toEqual({
        digest: NEW_DIGEST,
      });
    });
  },
);
