export { readPromotionConfig } from './readPromotionConfig';
export type {
  EnvironmentConfig,
  EnvironmentRegistryConfig,
  ManifestFormat,
  PromotionConfig,
  RegistryConfig,
  RepositoryConfig,
} from './schema';
