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
  const use = known.map(name => `{{ ${name} }}`);
  const listed =
    use.length > 1
      ? `${use.slice(0, -1).join(', ')} and ${use[use.length - 1]}`
      : use.join('');
  return `unknown placeholder ${unknown
    .map(name => `'{{ ${name} }}'`)
    .join(', ')}; use ${listed}`;
}
