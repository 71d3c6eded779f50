export { readPromotionConfig } from './readPromotionConfig';
export type {
  EnvironmentConfig,
  ManifestFormat,
  PromotionConfig,
  RepositoryConfig,
} from './schema';
