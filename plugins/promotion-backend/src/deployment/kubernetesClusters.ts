import { Config } from '@backstage/config';

/** A Kubernetes API server and how the backend authenticates there. */
export interface KubernetesCluster {
  name: string;
  url: string;
  /**
   * The bearer token; absent when the cluster uses another authProvider
   * (the token is then the signed-in user's, which a backend read has not).
   */
  serviceAccountToken?: string;
  /** The API server's CA, base64-encoded PEM as in a kubeconfig. */
  caData?: string;
  skipTLSVerify: boolean;
}

/**
 * The clusters listed in Backstage's own `kubernetes` config (locator type
 * `config`), so that the Kubernetes plugin and promotion's Flux sources are
 * configured once. Other locator types (`catalog`, `gke`, `localKubectlProxy`)
 * find clusters at run time through services we do not have, so they are
 * left out. No `kubernetes` config gives no clusters.
 */
export function readKubernetesClusters(config: Config): KubernetesCluster[] {
  const methods =
    config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
  return methods
    .filter(method => method.getString('type') === 'config')
    .flatMap(method => method.getOptionalConfigArray('clusters') ?? [])
    .map(cluster => {
      // The Kubernetes plugin's default authProvider is serviceAccount.
      const authProvider =
        cluster.getOptionalString('authProvider') ?? 'serviceAccount';
      const token =
        authProvider === 'serviceAccount'
          ? cluster.getOptionalString('serviceAccountToken')
          : undefined;
      const caData = cluster.getOptionalString('caData');
      return {
        name: cluster.getString('name'),
        url: cluster.getString('url'),
        ...(token ? { serviceAccountToken: token } : {}),
        ...(caData ? { caData } : {}),
        skipTLSVerify: cluster.getOptionalBoolean('skipTLSVerify') ?? false,
      };
    });
}
