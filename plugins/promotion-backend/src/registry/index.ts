export { RegistryService } from './RegistryService';
export type { PreparedRegistries, RegistryRequest } from './RegistryService';
export { RegistryClient } from './RegistryClient';
export { RegistryError } from './RegistryError';
