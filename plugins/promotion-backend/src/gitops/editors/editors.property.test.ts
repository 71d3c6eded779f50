import fc from 'fast-check';
import { KustomizeImageEditor } from './KustomizeImageEditor';
import { DottedPathEditor } from './DottedPathEditor';

type Style = 'plain' | 'double' | 'single';

const QUOTES: Record<Style, string> = { double: '"', single: "'", plain: '' };
const quote = (value: string, style: Style) =>
  `${QUOTES[style]}${value}${QUOTES[style]}`;

const hex = fc.string({
  unit: fc.constantFrom(...'0123456789abcdef'),
  minLength: 64,
  maxLength: 64,
});
const digest = hex.map(h => `sha256:${h}`);
const tag = fc
  .tuple(fc.nat(20), fc.nat(20), fc.nat(20))
  .map(([a, b, c]) => `${a}.${b}.${c}-r${a}`);
const style = fc.constantFrom<Style>('plain', 'double', 'single');
const comment = fc.option(
  fc.constantFrom(' # pinned by CI', ' #no space', '   # aligned  '),
  { nil: '' },
);
const name = fc.constantFrom(
  'ghcr.io/acme/api',
  'ghcr.io/acme/web',
  'docker.io/library/nginx',
  'registry.local:5000/x',
);

/**
 * A generated kustomization, with the source offsets of the target image's
 * tag and digest scalars recorded while the text is composed.
 */
const kustomization = fc
  .record({
    eol: fc.constantFrom('\n', '\r\n'),
    indent: fc.constantFrom(2, 4),
    marker: fc.boolean(),
    header: comment,
    images: fc.uniqueArray(
      fc.record({
        name,
        tag,
        digest,
        tagStyle: style,
        digestStyle: style,
        tagComment: comment,
        digestComment: comment,
        blank: fc.boolean(),
      }),
      { minLength: 1, maxLength: 4, selector: i => i.name },
    ),
    targetIndex: fc.nat(),
  })
  .map(spec => {
    const pad = ' '.repeat(spec.indent);
    const target = spec.targetIndex % spec.images.length;
    let text = '';
    const ranges: Record<'tag' | 'digest', [number, number]> = {
      tag: [0, 0],
      digest: [0, 0],
    };
    const line = (content: string) => {
      text += content + spec.eol;
    };
    if (spec.marker) line('---');
    if (spec.header) line(`#${spec.header}`);
    line('apiVersion: kustomize.config.k8s.io/v1beta1');
    line('kind: Kustomization');
    line('images:');
    spec.images.forEach((image, i) => {
      if (image.blank) line('');
      line(`${pad}- name: ${image.name}`);
      for (const key of ['tag', 'digest'] as const) {
        const field = key === 'tag' ? 'newTag' : 'digest';
        const prefix = `${pad}  ${field}: `;
        const scalar = quote(
          image[key],
          key === 'tag' ? image.tagStyle : image.digestStyle,
        );
        if (i === target)
          ranges[key] = [
            text.length + prefix.length,
            text.length + prefix.length + scalar.length,
          ];
        line(
          `${prefix}${scalar}${
            key === 'tag' ? image.tagComment : image.digestComment
          }`,
        );
      }
    });
    line('resources:');
    line(`${pad}- ../../base`);
    return { text, image: spec.images[target], ranges };
  });

describe('manifest edits change exactly the pinned scalars', () => {
  it('kustomize: the output is the input with only the target tag and digest replaced', () => {
    fc.assert(
      fc.property(
        kustomization,
        digest,
        tag,
        ({ text, image, ranges }, newDigest, newTag) => {
          const editor = new KustomizeImageEditor(image.name);
          const output = editor.writePin(text, 'kustomization.yaml', {
            digest: newDigest,
            tag: newTag,
          });
          const [ts, te] = ranges.tag;
          const [ds, de] = ranges.digest;
          const expected =
            text.slice(0, ts) +
            quote(newTag, image.tagStyle) +
            text.slice(te, ds) +
            quote(newDigest, image.digestStyle) +
            text.slice(de);
          expect(output).toBe(expected);
          expect(editor.readPin(output, 'kustomization.yaml')).toEqual({
            digest: newDigest,
            tag: newTag,
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('yaml: a dotted path edit replaces only that scalar, whatever surrounds it', () => {
    const values = fc.record({
      eol: fc.constantFrom('\n', '\r\n'),
      before: fc.subarray([
        '# a comment',
        'replicaCount: 2',
        '',
        'labels: { team: a }',
        'anchor: &a { x: 1 }',
      ]),
      after: fc.subarray([
        'ref: *a',
        '# trailing',
        '',
        'service: { port: 80 }',
      ]),
      style,
      comment,
      old: digest,
    });
    fc.assert(
      fc.property(values, digest, (spec, newDigest) => {
        const hasAnchor = spec.before.includes('anchor: &a { x: 1 }');
        const after = hasAnchor
          ? spec.after
          : spec.after.filter(l => l !== 'ref: *a');
        const head = [
          ...spec.before,
          'image:',
          '  repository: ghcr.io/acme/api',
          '  digest: ',
        ].join(spec.eol);
        const scalar = quote(spec.old, spec.style);
        const text =
          head +
          scalar +
          spec.comment +
          spec.eol +
          after.map(l => l + spec.eol).join('');
        const output = new DottedPathEditor({
          digest: 'image.digest',
        }).writePin(text, 'values.yaml', { digest: newDigest });
        expect(output).toBe(
          head +
            quote(newDigest, spec.style) +
            text.slice(head.length + scalar.length),
        );
      }),
      { numRuns: 300 },
    );
  });
});
