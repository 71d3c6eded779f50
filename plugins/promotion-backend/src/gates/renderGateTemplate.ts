import { GateContext } from '@promotion-for-backstage/plugin-promotion-node';
import {
  PLACEHOLDER,
  unknownPlaceholderMessage,
} from '../config/templatePlaceholders';
import { GateConfigError } from './GateConfigError';
import { parseImageName } from './parseImageName';

/** What `{{ … }}` may name in the templates of the http and registry gates. */
export const GATE_TEMPLATE_KEYS = [
  'artifact.image',
  'artifact.repository',
  'artifact.tag',
  'artifact.digest',
  'entity.metadata.name',
  'entity.metadata.namespace',
  'environment',
  'changeTicket',
] as const;

type GateTemplateKey = (typeof GATE_TEMPLATE_KEYS)[number];

/** Refuses unknown placeholders at start-up rather than at the first promotion. */
export function checkGateTemplate(template: string, key: string): void {
  const message = unknownPlaceholderMessage(template, GATE_TEMPLATE_KEYS);
  if (message) throw new GateConfigError([{ key, message }]);
}

/**
 * Fills a checked template from the gate context. A placeholder whose value
 * is missing (e.g. no digest on a tag-only pin) is an error rather than an
 * empty string, so a scanner is never asked about `image@`.
 */
export function renderGateTemplate(
  template: string,
  context: Pick<GateContext, 'entity' | 'artifact' | 'changeTicket'>,
  environment: string,
  encode: (value: string) => string,
): string {
  const values: Record<GateTemplateKey, string | undefined> = {
    'artifact.image': context.artifact.image,
    'artifact.repository': parseImageName(context.artifact.image).repository,
    'artifact.tag': context.artifact.tag,
    'artifact.digest': context.artifact.digest,
    'entity.metadata.name': context.entity.metadata.name,
    'entity.metadata.namespace': context.entity.metadata.namespace ?? 'default',
    environment,
    changeTicket: context.changeTicket,
  };
  return template.replace(PLACEHOLDER, (_, name: GateTemplateKey) => {
    const value = values[name];
    if (!value) {
      throw new Error(
        name === 'changeTicket'
          ? `'{{ changeTicket }}' has no value: the request names no change ticket`
          : `'{{ ${name} }}' has no value for ${context.artifact.image}`,
      );
    }
    return encode(value);
  });
}
