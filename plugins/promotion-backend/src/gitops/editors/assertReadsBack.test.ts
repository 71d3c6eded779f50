import { InputError } from '@backstage/errors';
import { assertReadsBack } from './assertReadsBack';
import { KustomizeImageEditor } from './KustomizeImageEditor';

const FILE = 'apps/api/prod/kustomization.yaml';
const editor = new KustomizeImageEditor('ghcr.io/acme/api');
const read = (text: string) => () => editor.readPin(text, FILE);

describe('assertReadsBack', () => {
  it('accepts an edit that pins exactly the written values', () => {
    const text = 'images:\n  - name: ghcr.io/acme/api\n    newTag: v2\n';
    expect(() =>
      assertReadsBack(FILE, { tag: 'v2' }, read(text)),
    ).not.toThrow();
  });

  it('refuses an edit that is no longer YAML, naming the file once', () => {
    const broken =
      'images:\n  - name: ghcr.io/acme/api\n    newTag: "v2"    digest: x\n  - [\n';
    const error = (() => {
      try {
        assertReadsBack(FILE, { tag: 'v2' }, read(broken));
      } catch (e) {
        return e as Error;
      }
      throw new Error('expected a refusal');
    })();
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(
      new RegExp(
        `^${FILE}: the edited file would not read back \\(is not valid YAML: .*\\); it was not changed$`,
        's',
      ),
    );
  });

  it('refuses an edit that reads back as other values', () => {
    const text = 'images:\n  - name: ghcr.io/acme/api\n    newTag: v2\n';
    expect(() =>
      assertReadsBack(FILE, { tag: 'v2', digest: 'sha256:1' }, read(text)),
    ).toThrow(
      `${FILE}: the edited file would read back as {"tag":"v2"} instead of {"tag":"v2","digest":"sha256:1"}; it was not changed`,
    );
  });
});
