import { InputError } from '@backstage/errors';
import { KustomizeImageEditor } from './KustomizeImageEditor';
import { ManifestEditError } from './ManifestEditError';

const FILE = 'apps/api/overlays/prod/kustomization.yaml';
const API = 'ghcr.io/acme/api';

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const OLD_DIGEST = digest('b');
const NEW_DIGEST = digest('e');

/** Joins lines with `eol`, ending with a final line break as editors save files. */
const lines = (eol: string, ...content: string[]) =>
  content.map(l => l + eol).join('');

/** A production overlay with several images; only `ghcr.io/acme/api` is promoted. */
const overlay = (eol = '\n') =>
  lines(
    eol,
    '# Production overlay for the api service',
    'apiVersion: kustomize.config.k8s.io/v1beta1',
    'kind: Kustomization',
    '',
    'resources:',
    '  - ../../base   # shared base',
    '',
    'images:',
    '  - name: ghcr.io/acme/web',
    '    newTag: "2.3.1"',
    `    digest: ${digest('a')}`,
    `  - name: ${API}   # the service promoted here`,
    '    newName: registry.acme.internal/mirror/api',
    '    newTag: "1.4.0" # set by promotion',
    `    digest: '${OLD_DIGEST}'  # pinned`,
    '  - name: ghcr.io/acme/worker',
    '    newTag: 0.9.2',
    `    digest: ${digest('c')}`,
  );

describe('KustomizeImageEditor', () => {
  const editor = new KustomizeImageEditor(API);

  describe('readPin', () => {
    it('returns the tag and digest of the entry whose name matches', () => {
      expect(editor.readPin(overlay(), FILE)).toEqual({
        tag: '1.4.0',
        digest: OLD_DIGEST,
      });
      expect(
        new KustomizeImageEditor('ghcr.io/acme/worker').readPin(
          overlay(),
          FILE,
        ),
      ).toEqual({
        tag: '0.9.2',
        digest: digest('c'),
      });
    });

    it('returns only the values the entry has', () => {
      const text = lines(
        '\n',
        'images:',
        `  - name: ${API}`,
        '    newTag: v2',
        '    digest:',
      );
      expect(editor.readPin(text, FILE)).toEqual({ tag: 'v2' });
    });

    it('returns undefined when no entry matches the image or there is no images list', () => {
      expect(
        new KustomizeImageEditor('ghcr.io/acme/other').readPin(overlay(), FILE),
      ).toBeUndefined();
      expect(
        editor.readPin(lines('\n', 'resources:', '  - ../../base'), FILE),
      ).toBeUndefined();
    });

    it('reads a plain tag that looks like a number as written, not as a number', () => {
      const text = lines(
        '\n',
        'images:',
        `  - name: ${API}`,
        '    newTag: 1.10',
      );
      expect(editor.readPin(text, FILE)).toEqual({ tag: '1.10' });
    });
  });

  describe('writePin', () => {
    it('replaces only the tag and digest of the matching entry, keeping quoting, newName and comments', () => {
      const output = editor.writePin(overlay(), FILE, {
        tag: '1.5.0',
        digest: NEW_DIGEST,
      });
      expect(output).toBe(
        overlay()
          .replace(
            'newTag: "1.4.0" # set by promotion',
            'newTag: "1.5.0" # set by promotion',
          )
          .replace(
            `digest: '${OLD_DIGEST}'  # pinned`,
            `digest: '${NEW_DIGEST}'  # pinned`,
          ),
      );
      expect(editor.readPin(output, FILE)).toEqual({
        tag: '1.5.0',
        digest: NEW_DIGEST,
      });
      // the other images are untouched
      expect(
        new KustomizeImageEditor('ghcr.io/acme/web').readPin(output, FILE),
      ).toEqual({
        tag: '2.3.1',
        digest: digest('a'),
      });
    });

    it('changes only the digest when only a digest is given and the entry pins no tag', () => {
      const text = overlay().replace(
        '    newTag: "1.4.0" # set by promotion\n',
        '',
      );
      const output = editor.writePin(text, FILE, { digest: NEW_DIGEST });
      expect(output).toBe(text.replace(`'${OLD_DIGEST}'`, `'${NEW_DIGEST}'`));
    });

    it('changes only the tag when only a tag is given and the entry pins no digest', () => {
      const text = lines(
        '\n',
        'images:',
        `  - name: ${API}`,
        '    newTag: "1.0.0"',
        '    digest: ""',
      );
      expect(editor.writePin(text, FILE, { tag: '2.0.0' })).toBe(
        text.replace('"1.0.0"', '"2.0.0"'),
      );
    });

    it('keeps a plain scalar plain', () => {
      const output = new KustomizeImageEditor('ghcr.io/acme/worker').writePin(
        overlay(),
        FILE,
        {
          tag: '0.9.3',
          digest: NEW_DIGEST,
        },
      );
      expect(output).toBe(
        overlay()
          .replace('    newTag: 0.9.2', '    newTag: 0.9.3')
          .replace(`    digest: ${digest('c')}`, `    digest: ${NEW_DIGEST}`),
      );
    });

    it('escapes a quote inside a single-quoted scalar the YAML way', () => {
      const text = lines(
        '\n',
        'images:',
        `  - name: ${API}`,
        "    newTag: 'v1'",
      );
      expect(editor.writePin(text, FILE, { tag: "it's" })).toBe(
        lines('\n', 'images:', `  - name: ${API}`, "    newTag: 'it''s'"),
      );
    });

    it('quotes a plain tag that would otherwise read back as a number', () => {
      const text = lines(
        '\n',
        'images:',
        `  - name: ${API}`,
        '    newTag: 1.9 # minor',
      );
      const output = editor.writePin(text, FILE, { tag: '1.10' });
      expect(output).toBe(
        lines(
          '\n',
          'images:',
          `  - name: ${API}`,
          '    newTag: "1.10" # minor',
        ),
      );
      expect(editor.readPin(output, FILE)).toEqual({ tag: '1.10' });
    });

    it('writes a tag over a plain number-like tag that has the same numeric value', () => {
      const text = lines(
        '\n',
        'images:',
        `  - name: ${API}`,
        '    newTag: 1.10',
      );
      expect(editor.writePin(text, FILE, { tag: '1.1' })).toBe(
        lines('\n', 'images:', `  - name: ${API}`, '    newTag: "1.1"'),
      );
    });

    it('returns the text unchanged when the values are already pinned', () => {
      expect(
        editor.writePin(overlay(), FILE, { tag: '1.4.0', digest: OLD_DIGEST }),
      ).toBe(overlay());
      const plain = lines(
        '\n',
        'images:',
        `  - name: ${API}`,
        '    newTag: 1.10',
      );
      expect(editor.writePin(plain, FILE, { tag: '1.10' })).toBe(plain);
    });

    it('keeps CRLF line endings', () => {
      const output = editor.writePin(overlay('\r\n'), FILE, {
        tag: '1.5.0',
        digest: NEW_DIGEST,
      });
      expect(output).toBe(
        overlay('\r\n')
          .replace(
            'newTag: "1.4.0" # set by promotion\r\n',
            'newTag: "1.5.0" # set by promotion\r\n',
          )
          .replace(
            `digest: '${OLD_DIGEST}'  # pinned\r\n`,
            `digest: '${NEW_DIGEST}'  # pinned\r\n`,
          ),
      );
      expect(output.replace(/\r\n/g, '')).not.toContain('\n');
    });

    it('finds the entry in a later document and keeps the document markers', () => {
      const text = lines(
        '\n',
        '---',
        '# generated by the platform team',
        'apiVersion: kustomize.config.k8s.io/v1alpha1',
        'kind: Component',
        'images:',
        '  - name: ghcr.io/acme/sidecar',
        '    newTag: "7"',
        '---',
        'apiVersion: kustomize.config.k8s.io/v1beta1',
        'kind: Kustomization',
        'images:',
        `  - name: ${API}`,
        '    newTag: v1',
        '...',
      );
      expect(editor.writePin(text, FILE, { tag: 'v2' })).toBe(
        text.replace('    newTag: v1\n', '    newTag: v2\n'),
      );
    });

    it('edits an entry written in flow style', () => {
      const text = lines(
        '\n',
        'images: [{ name: ghcr.io/acme/web, newTag: v1 }, { name: ghcr.io/acme/api, newTag: v1 }]',
      );
      expect(editor.writePin(text, FILE, { tag: 'v2' })).toBe(
        lines(
          '\n',
          'images: [{ name: ghcr.io/acme/web, newTag: v1 }, { name: ghcr.io/acme/api, newTag: v2 }]',
        ),
      );
    });

    describe('an empty digest key', () => {
      it.each([
        ['at the end of the line', '    digest:', `    digest: ${NEW_DIGEST}`],
        ['followed by a space', '    digest: ', `    digest: ${NEW_DIGEST}`],
        [
          'followed by a comment',
          '    digest: # set by CI',
          `    digest: ${NEW_DIGEST} # set by CI`,
        ],
        [
          'followed by an aligned comment',
          '    digest:    # set by CI',
          `    digest:    ${NEW_DIGEST} # set by CI`,
        ],
      ])('is filled in when %s', (_, before, after) => {
        for (const eol of ['\n', '\r\n']) {
          const text = lines(
            eol,
            'images:',
            `  - name: ${API}`,
            '    newTag: v1',
            before,
            'resources: []',
          );
          const output = editor.writePin(text, FILE, {
            tag: 'v1',
            digest: NEW_DIGEST,
          });
          expect(output).toBe(
            lines(
              eol,
              'images:',
              `  - name: ${API}`,
              '    newTag: v1',
              after,
              'resources: []',
            ),
          );
          expect(editor.readPin(output, FILE)).toEqual({
            tag: 'v1',
            digest: NEW_DIGEST,
          });
        }
      });

      it('is filled in at the very end of a file without a final line break', () => {
        const text = `images:\n  - name: ${API}\n    digest:`;
        expect(editor.writePin(text, FILE, { digest: NEW_DIGEST })).toBe(
          `images:\n  - name: ${API}\n    digest: ${NEW_DIGEST}`,
        );
      });
    });
  });

  describe('errors', () => {
    const writeError = (text: string, image = API) => {
      try {
        new KustomizeImageEditor(image).writePin(text, FILE, {
          tag: 'v2',
          digest: NEW_DIGEST,
        });
      } catch (error) {
        expect(error).toBeInstanceOf(ManifestEditError);
        expect(error).toBeInstanceOf(InputError);
        return (error as Error).message;
      }
      throw new Error('expected writePin to throw');
    };

    it('names the file and the image when no entry has that name, and never appends one', () => {
      const message = writeError(overlay(), 'ghcr.io/acme/missing');
      expect(message).toBe(
        `${FILE}: has no images[] entry with name 'ghcr.io/acme/missing'; add one with the keys this promotion sets (newTag, digest)`,
      );
    });

    it('reports a missing images list the same way', () => {
      expect(writeError(lines('\n', 'resources:', '  - ../../base'))).toMatch(
        new RegExp(`^${FILE}: has no images\\[\\] entry with name '${API}'`),
      );
    });

    it('says to add digest: when the entry has no digest key', () => {
      const text = lines('\n', 'images:', `  - name: ${API}`, '    newTag: v1');
      expect(writeError(text)).toBe(
        `${FILE}: images[] entry '${API}' has no 'digest' key; add 'digest:' to it so the promotion can set it`,
      );
      // nothing is written either when only part of the pin fits
      expect(() => editor.writePin(text, FILE, { digest: NEW_DIGEST })).toThrow(
        /add 'digest:'/,
      );
    });

    it('says to add newTag: when the entry has no newTag key', () => {
      const text = lines('\n', 'images:', `  - name: ${API}`, '    digest:');
      expect(() => editor.writePin(text, FILE, { tag: 'v2' })).toThrow(
        `${FILE}: images[] entry '${API}' has no 'newTag' key; add 'newTag:' to it so the promotion can set it`,
      );
    });

    it('refuses a digest that is not a scalar', () => {
      const text = lines(
        '\n',
        'images:',
        `  - name: ${API}`,
        '    newTag: v1',
        '    digest:',
        '      value: x',
      );
      expect(writeError(text)).toBe(
        `${FILE}: images[] entry '${API}' has 'digest' as a mapping, expected a scalar`,
      );
    });

    it('refuses images that is not a list, in readPin and writePin', () => {
      const text = lines('\n', 'images:', `  ${API}:`, '    newTag: v1');
      expect(writeError(text)).toBe(
        `${FILE}: 'images' is a mapping, expected a list`,
      );
      expect(() => editor.readPin(text, FILE)).toThrow(
        `${FILE}: 'images' is a mapping, expected a list`,
      );
    });

    describe('a value the promoted build does not carry', () => {
      const pinned = lines(
        '\n',
        'images:',
        `  - name: ${API}`,
        '    newTag: 1.0.0',
        `    digest: ${OLD_DIGEST}`,
      );

      it('refuses a tag-only build when the entry pins a digest, which kustomize would keep deploying', () => {
        expect(() => editor.writePin(pinned, FILE, { tag: '2.0.0' })).toThrow(
          new ManifestEditError(
            FILE,
            `images[] entry '${API}' pins digest '${OLD_DIGEST}' but the promoted build has no digest; ` +
              `setting only newTag would leave that digest in place, and kustomize would keep deploying it. ` +
              `Promote a build that has a digest, or remove 'digest' from the entry`,
          ),
        );
      });

      it('refuses a digest-only build when the entry pins a tag, which would then name the wrong build', () => {
        expect(() =>
          editor.writePin(pinned, FILE, { digest: NEW_DIGEST }),
        ).toThrow(
          new ManifestEditError(
            FILE,
            `images[] entry '${API}' pins newTag '1.0.0' but the promoted build has no tag; ` +
              `setting only digest would leave that tag in place, naming a build that no longer runs. ` +
              `Promote a build that has a tag, or remove 'newTag' from the entry`,
          ),
        );
      });

      it('refuses it whatever the pin carries as undefined', () => {
        expect(() =>
          editor.writePin(pinned, FILE, { tag: '2.0.0', digest: undefined }),
        ).toThrow(/pins digest/);
      });

      it('counts a value given through an alias as pinned', () => {
        const aliased = lines(
          '\n',
          `approved: &approved ${OLD_DIGEST}`,
          'images:',
          `  - name: ${API}`,
          '    newTag: 1.0.0',
          '    digest: *approved',
        );
        expect(() => editor.writePin(aliased, FILE, { tag: '2.0.0' })).toThrow(
          `${FILE}: images[] entry '${API}' pins digest an alias (*approved) but the promoted build has no digest;`,
        );
      });

      it('accepts it when the entry leaves that value empty', () => {
        const empty = lines(
          '\n',
          'images:',
          `  - name: ${API}`,
          '    newTag: 1.0.0',
          '    digest:',
        );
        expect(editor.writePin(empty, FILE, { tag: '2.0.0' })).toBe(
          empty.replace('newTag: 1.0.0', 'newTag: 2.0.0'),
        );
      });
    });

    describe('values the edit cannot replace in place', () => {
      it.each([
        [
          'a literal block scalar',
          ['    digest: |', `      ${OLD_DIGEST}`],
          "'|'",
        ],
        [
          'a folded block scalar',
          ['    digest: >-', `      ${OLD_DIGEST}`],
          "'>'",
        ],
      ])(
        'refuses %s, naming the file and the field',
        (_, digestLines, indicator) => {
          const text = lines(
            '\n',
            'images:',
            `  - name: ${API}`,
            '    newTag: v1',
            ...digestLines,
            '  - name: ghcr.io/acme/web',
            '    newTag: v9',
          );
          expect(writeError(text)).toBe(
            `${FILE}: 'digest' of images[] entry '${API}' is written as a block scalar (${indicator}); ` +
              `write the value on the same line as its key so the promotion can replace it`,
          );
        },
      );

      it('says that an alias is an alias, and refuses to edit it', () => {
        const text = lines(
          '\n',
          `approved: &approved ${OLD_DIGEST}`,
          'images:',
          `  - name: ${API}`,
          '    newTag: v1',
          '    digest: *approved',
        );
        expect(writeError(text)).toBe(
          `${FILE}: 'digest' of images[] entry '${API}' is an alias (*approved); ` +
            `write the value itself, since replacing the anchored value would change every alias of it`,
        );
      });

      it('refuses a value with an explicit YAML tag other than !!str', () => {
        const text = lines(
          '\n',
          'images:',
          `  - name: ${API}`,
          '    newTag: !!int 7',
          `    digest: ${OLD_DIGEST}`,
        );
        expect(writeError(text)).toBe(
          `${FILE}: 'newTag' of images[] entry '${API}' carries the YAML tag !!int; ` +
            `remove it so the value is read as text`,
        );
        const str = lines(
          '\n',
          'images:',
          `  - name: ${API}`,
          '    newTag: !!str 7',
          `    digest: ${OLD_DIGEST}`,
        );
        expect(
          editor.writePin(str, FILE, { tag: 'v2', digest: NEW_DIGEST }),
        ).toBe(
          str.replace('!!str 7', '!!str v2').replace(OLD_DIGEST, NEW_DIGEST),
        );
      });

      it('quotes a value with flow indicators inside a flow mapping, so it reads back whole', () => {
        const text = lines('\n', `images: [{ name: ${API}, newTag: v1 }]`);
        const output = editor.writePin(text, FILE, { tag: 'v2,rc]' });
        expect(editor.readPin(output, FILE)).toEqual({ tag: 'v2,rc]' });
      });
    });

    it('refuses text that is not YAML, naming the file', () => {
      const text = lines(
        '\n',
        'images:',
        `  - name: ${API}`,
        '    newTag: "v1',
        '  digest: [',
      );
      expect(writeError(text)).toMatch(
        new RegExp(`^${FILE}: is not valid YAML: `),
      );
      expect(() => editor.readPin(text, FILE)).toThrow(
        `${FILE}: is not valid YAML`,
      );
    });
  });
});
