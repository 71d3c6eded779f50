/** A `{{ name }}` placeholder of the templates in the promotion config. */
export const PLACEHOLDER = /\{\{\s*([\w.]+)\s*\}\}/g;

/**
 * What is wrong with a template's placeholders, or undefined when it names
 * only `known` ones: said the same way wherever a template is checked.
 */
export function unknownPlaceholderMessage(
  template: string,
  known: readonly string[],
): string | undefined {
  const unknown = [...template.matchAll(PLACEHOLDER)]
    .map(match => match[1])
    .filter(name => !known.includes(name));
  if (unknown.length === 0) return undefined;
  return `unknown placeholder ${unknown
    .map(name => `'{{ ${name} }}'`)
    .join(', ')}; use ${known.map(name => `{{ ${name} }}`).join(', ')}`;
}
