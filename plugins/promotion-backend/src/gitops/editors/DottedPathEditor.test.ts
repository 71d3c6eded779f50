import { InputError } from '@backstage/errors';
import { DottedPathEditor } from './DottedPathEditor';
import { ManifestEditError } from './ManifestEditError';
import { PinnedValues } from './types';

const FILE = 'charts/api/values-prod.yaml';

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const OLD_DIGEST = digest('b');
const NEW_DIGEST = digest('e');

const lines = (...content: string[]) => content.map(l => `${l}\n`).join('');

/** Helm values with anchors, aliases, a merge key, lists and comments. */
const VALUES = lines(
  '# Default values for api.',
  'replicaCount: 3',
  '',
  'global:',
  '  imageDefaults: &imageDefaults',
  '    pullPolicy: IfNotPresent  # never Always in prod',
  '    registry: ghcr.io',
  '',
  'image: &image',
  '  <<: *imageDefaults',
  '  repository: acme/api',
  '  tag: "1.4.0"   # promoted',
  `  digest: ${OLD_DIGEST}`,
  '',
  'sidecar:',
  '  image: *image',
  '',
  'deployment:',
  '  containers:',
  '    - name: api',
  "      image: 'ghcr.io/acme/api:1.4.0'",
  '    - name: proxy',
  '      image: envoyproxy/envoy:v1.30',
  '',
  'podAnnotations:',
  `  example.com/digest: '${OLD_DIGEST}' # for the audit sidecar`,
  '  example.com/owner: team-a',
);

describe('DottedPathEditor', () => {
  const helm = new DottedPathEditor({
    digest: 'image.digest',
    tag: 'image.tag',
  });

  it('needs at least one path', () => {
    expect(() => new DottedPathEditor({})).toThrow(
      /needs a digest path or a tag path/,
    );
  });

  describe('readPin', () => {
    it('reads image.digest and image.tag', () => {
      expect(helm.readPin(VALUES, FILE)).toEqual({
        digest: OLD_DIGEST,
        tag: '1.4.0',
      });
    });

    it('reads array indexes and keys with escaped dots', () => {
      expect(
        new DottedPathEditor({ tag: 'deployment.containers[1].image' }).readPin(
          VALUES,
          FILE,
        ),
      ).toEqual({
        tag: 'envoyproxy/envoy:v1.30',
      });
      expect(
        new DottedPathEditor({
          digest: 'podAnnotations.example\\.com/digest',
        }).readPin(VALUES, FILE),
      ).toEqual({ digest: OLD_DIGEST });
    });

    it('returns what is there, and undefined when nothing is', () => {
      expect(
        new DottedPathEditor({ digest: 'image.sha', tag: 'image.tag' }).readPin(
          VALUES,
          FILE,
        ),
      ).toEqual({
        tag: '1.4.0',
      });
      expect(
        new DottedPathEditor({ digest: 'image.sha' }).readPin(VALUES, FILE),
      ).toBeUndefined();
      expect(
        helm.readPin(lines('image:', '  tag:', '  digest: ""'), FILE),
      ).toBeUndefined();
    });

    it('reads a plain number-like tag as written', () => {
      expect(helm.readPin(lines('image:', '  tag: 1.10'), FILE)).toEqual({
        tag: '1.10',
      });
    });
  });

  describe('writePin', () => {
    it('replaces image.digest and image.tag and keeps anchors, aliases, comments and quoting', () => {
      const output = helm.writePin(VALUES, FILE, {
        digest: NEW_DIGEST,
        tag: '1.5.0',
      });
      expect(output).toBe(
        VALUES.replace(
          '  tag: "1.4.0"   # promoted\n',
          '  tag: "1.5.0"   # promoted\n',
        ).replace(`  digest: ${OLD_DIGEST}\n`, `  digest: ${NEW_DIGEST}\n`),
      );
      expect(helm.readPin(output, FILE)).toEqual({
        digest: NEW_DIGEST,
        tag: '1.5.0',
      });
    });

    it('replaces an element of a list by index', () => {
      const editor = new DottedPathEditor({
        tag: 'deployment.containers[0].image',
      });
      expect(
        editor.writePin(VALUES, FILE, { tag: 'ghcr.io/acme/api:1.5.0' }),
      ).toBe(
        VALUES.replace(
          "image: 'ghcr.io/acme/api:1.4.0'",
          "image: 'ghcr.io/acme/api:1.5.0'",
        ),
      );
    });

    it('replaces a key that contains dots', () => {
      const editor = new DottedPathEditor({
        digest: 'podAnnotations.example\\.com/digest',
      });
      expect(editor.writePin(VALUES, FILE, { digest: NEW_DIGEST })).toBe(
        VALUES.replace(
          `example.com/digest: '${OLD_DIGEST}' # for the audit sidecar`,
          `example.com/digest: '${NEW_DIGEST}' # for the audit sidecar`,
        ),
      );
    });

    it('fills an empty value', () => {
      const text = lines(
        'image:',
        '  repository: acme/api',
        '  digest:',
        '  tag: v1',
      );
      expect(helm.writePin(text, FILE, { tag: 'v1', digest: NEW_DIGEST })).toBe(
        lines(
          'image:',
          '  repository: acme/api',
          `  digest: ${NEW_DIGEST}`,
          '  tag: v1',
        ),
      );
    });

    it('uses the first document that has the path', () => {
      const text = lines(
        '---',
        'kind: ConfigMap',
        'data: {}',
        '---',
        '# app',
        'image:',
        '  tag: v1',
        '---',
        'image:',
        '  tag: v1',
      );
      expect(
        new DottedPathEditor({ tag: 'image.tag' }).writePin(text, FILE, {
          tag: 'v2',
        }),
      ).toBe(
        lines(
          '---',
          'kind: ConfigMap',
          'data: {}',
          '---',
          '# app',
          'image:',
          '  tag: v2',
          '---',
          'image:',
          '  tag: v1',
        ),
      );
    });
  });

  describe('errors', () => {
    const writeError = (
      editor: DottedPathEditor,
      text: string,
      pin: PinnedValues = { digest: NEW_DIGEST },
    ) => {
      try {
        editor.writePin(text, FILE, pin);
      } catch (error) {
        expect(error).toBeInstanceOf(ManifestEditError);
        expect(error).toBeInstanceOf(InputError);
        return (error as Error).message;
      }
      throw new Error('expected writePin to throw');
    };

    it.each([
      ['image.sha', 'image.sha'],
      ['images.digest', 'images'],
      ['deployment.containers[5].image', 'deployment.containers[5]'],
      ['deployment.containers.image', 'deployment.containers.image'],
      ['replicaCount.digest', 'replicaCount.digest'],
      [
        'podAnnotations.example\\.org/digest',
        'podAnnotations.example\\.org/digest',
      ],
    ])('names the missing part of %s, never appending it', (path, missing) => {
      expect(writeError(new DottedPathEditor({ digest: path }), VALUES)).toBe(
        `${FILE}: has no '${path}' (missing '${missing}'); add it so the promotion can set it`,
      );
    });

    it('does not edit through an alias, which would change the anchored value too', () => {
      const message = writeError(
        new DottedPathEditor({ tag: 'sidecar.image.tag' }),
        VALUES,
        { tag: 'v2' },
      );
      expect(message).toBe(
        `${FILE}: 'sidecar.image' is an alias (*image); the promotion does not edit through aliases, ` +
          `since that would change the anchored value for everything that uses it; set 'sidecar.image.tag' on its own`,
      );
    });

    it('says that a value at the path is an alias, and refuses to edit it', () => {
      const text = lines(
        `approved: &approved ${OLD_DIGEST}`,
        'image:',
        '  digest: *approved',
      );
      expect(
        writeError(new DottedPathEditor({ digest: 'image.digest' }), text),
      ).toBe(
        `${FILE}: 'image.digest' is an alias (*approved); ` +
          `write the value itself, since replacing the anchored value would change every alias of it`,
      );
    });

    it.each([
      ['literal', '|', "'|'"],
      ['literal, keeping the line break', '|+', "'|'"],
      ['folded', '>-', "'>'"],
    ])(
      'refuses a %s block scalar, naming the file and the path',
      (_, header, indicator) => {
        const text = lines(
          'image:',
          `  digest: ${header}`,
          `    ${OLD_DIGEST}`,
          '  tag: v1',
          'replicaCount: 2',
        );
        expect(
          writeError(new DottedPathEditor({ digest: 'image.digest' }), text),
        ).toBe(
          `${FILE}: 'image.digest' is written as a block scalar (${indicator}); ` +
            `write the value on the same line as its key so the promotion can replace it`,
        );
      },
    );

    it('refuses a tag-only build when the file pins a digest, and the reverse', () => {
      expect(writeError(helm, VALUES, { tag: '1.5.0' })).toBe(
        `${FILE}: 'image.digest' pins '${OLD_DIGEST}' but the promoted build has no digest; ` +
          `setting only the tag would leave that digest in place, and the old build would keep running. ` +
          `Promote a build that has a digest, or empty 'image.digest'`,
      );
      expect(writeError(helm, VALUES, { digest: NEW_DIGEST })).toBe(
        `${FILE}: 'image.tag' pins '1.4.0' but the promoted build has no tag; ` +
          `setting only the digest would leave that tag in place, naming a build that no longer runs. ` +
          `Promote a build that has a tag, or empty 'image.tag'`,
      );
      // an empty value is not a pin: nothing stale is left behind
      expect(
        helm.writePin(lines('image:', '  tag: 1.4.0', '  digest: ""'), FILE, {
          tag: '1.5.0',
        }),
      ).toBe(lines('image:', '  tag: 1.5.0', '  digest: ""'));
    });

    it('never returns an edit that does not read back as the pin', () => {
      // Both paths name one scalar: whichever value lands, the other does not read back.
      const same = new DottedPathEditor({
        digest: 'image.ref',
        tag: 'image.ref',
      });
      const message = writeError(same, lines('image:', '  ref: old'), {
        digest: NEW_DIGEST,
        tag: 'v2',
      });
      expect(message).toMatch(
        new RegExp(
          `^${FILE}: the edited file would read back as .* instead of .*; it was not changed$`,
        ),
      );
    });

    it('refuses a mapping or a list at the path', () => {
      expect(
        writeError(new DottedPathEditor({ digest: 'image' }), VALUES),
      ).toBe(
        `${FILE}: 'image' is a mapping; it must hold a scalar value to be replaced`,
      );
      expect(
        writeError(
          new DottedPathEditor({ digest: 'deployment.containers' }),
          VALUES,
        ),
      ).toBe(
        `${FILE}: 'deployment.containers' is a sequence; it must hold a scalar value to be replaced`,
      );
    });

    it('refuses a value for which no path is configured', () => {
      expect(
        writeError(new DottedPathEditor({ digest: 'image.digest' }), VALUES, {
          tag: 'v2',
        }),
      ).toBe(
        `${FILE}: the source pins a tag but no tag path is configured; set promotion.backstage.io/tag-path`,
      );
    });

    it('refuses text that is not YAML, naming the file', () => {
      const text = lines('image:', '  tag: v1', ' digest: {');
      expect(writeError(helm, text)).toMatch(
        new RegExp(`^${FILE}: is not valid YAML: `),
      );
      expect(() => helm.readPin(text, FILE)).toThrow(
        `${FILE}: is not valid YAML`,
      );
    });
  });
});
