import { PLACEHOLDER, unknownPlaceholderMessage } from './templatePlaceholders';

describe('unknownPlaceholderMessage', () => {
  const KNOWN = [
    'entity.metadata.name',
    'entity.metadata.namespace',
    'environment',
  ];

  it('has nothing to say of a template naming only known placeholders, however spaced', () => {
    expect(
      unknownPlaceholderMessage(
        '{{entity.metadata.name}}-{{   environment }}',
        KNOWN,
      ),
    ).toBeUndefined();
    expect(
      unknownPlaceholderMessage('no placeholders at all', KNOWN),
    ).toBeUndefined();
  });

  it('names every unknown placeholder and lists the known ones', () => {
    expect(
      unknownPlaceholderMessage(
        '{{ entity.spec.owner }}/{{ env }}/{{ environment }}',
        KNOWN,
      ),
    ).toBe(
      "unknown placeholder '{{ entity.spec.owner }}', '{{ env }}'; use {{ entity.metadata.name }}, {{ entity.metadata.namespace }} and {{ environment }}",
    );
  });

  it('lists a single known placeholder on its own', () => {
    expect(unknownPlaceholderMessage('{{ version }}', ['environment'])).toBe(
      "unknown placeholder '{{ version }}'; use {{ environment }}",
    );
  });
});

describe('PLACEHOLDER', () => {
  it('captures the dotted name inside the braces', () => {
    expect(
      [...'a-{{ artifact.tag }}-{{environment}}'.matchAll(PLACEHOLDER)].map(
        m => m[1],
      ),
    ).toEqual(['artifact.tag', 'environment']);
  });
});
