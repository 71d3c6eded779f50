import { Config } from '@backstage/config';
import { promotionConfigSchema, PromotionConfig } from './schema';
import { isUnknownKeyIssue, unknownKeyMessage } from './strictObject';

/**
 * Reads and validates the `promotion` block of app-config.
 *
 * Invalid config must stop the backend at start-up with a message that names
 * the offending key, so a platform engineer can fix it without reading code.
 */
export function readPromotionConfig(config: Config): PromotionConfig {
  const raw = config.getOptional('promotion');
  if (raw === undefined) {
    throw new Error(
      "Missing 'promotion' config: list at least promotion.environments and promotion.gitops.repositories",
    );
  }
  const parsed = promotionConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(issue => {
      const key = ['promotion', ...issue.path]
        .map((part, i) =>
          typeof part === 'number'
            ? `[${part}]`
            : `${i ? '.' : ''}${String(part)}`,
        )
        .join('');
      const message = isUnknownKeyIssue(issue)
        ? unknownKeyMessage(issue)
        : issue.message;
      return `${key}: ${message}`;
    });
    throw new Error(`Invalid promotion config: ${problems.join('; ')}`);
  }
  return parsed.data;
}
