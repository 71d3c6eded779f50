export { readPromotionConfig } from './readPromotionConfig';
export type {
  ArgoCdDeploymentConfig,
  ArgoCdInstanceConfig,
  DeploymentConfig,
  EnvironmentConfig,
  FluxDeploymentConfig,
  EnvironmentRegistryConfig,
  ManifestFormat,
  PromotionConfig,
  RegistryConfig,
  RepositoryConfig,
} from './schema';
