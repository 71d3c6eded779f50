import { ConfigReader } from '@backstage/config';
import { readKubernetesClusters } from './kubernetesClusters';

describe('readKubernetesClusters', () => {
  it('reads the clusters of config locators, with the token only where authProvider is serviceAccount', () => {
    const config = new ConfigReader({
      kubernetes: {
        serviceLocatorMethod: { type: 'multiTenant' },
        clusterLocatorMethods: [
          // Found at run time through the catalog: not ours to read, even
          // with clusters left over from when it was of type config.
          {
            type: 'catalog',
            clusters: [{ name: 'old', url: 'https://old.k8s.acme.test' }],
          },
          {
            type: 'config',
            clusters: [
              {
                name: 'prod-eu',
                url: 'https://prod-eu.k8s.acme.test:6443',
                authProvider: 'serviceAccount',
                serviceAccountToken: 'sa-token-prod-eu',
                caData: 'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==',
                skipMetricsLookup: true,
              },
              {
                // serviceAccount is the Kubernetes plugin's default.
                name: 'staging',
                url: 'https://staging.k8s.acme.test',
                serviceAccountToken: 'sa-token-staging',
                skipTLSVerify: true,
              },
              {
                // The signed-in user's token, which a backend read has not.
                name: 'prod-us',
                url: 'https://ABCDEF.gr7.us-east-1.eks.amazonaws.com',
                authProvider: 'aws',
                serviceAccountToken: 'not-for-us',
              },
            ],
          },
          { type: 'gke', projectId: 'acme-prod', region: 'europe-west1' },
        ],
      },
    });

    expect(readKubernetesClusters(config)).toEqual([
      {
        name: 'prod-eu',
        url: 'https://prod-eu.k8s.acme.test:6443',
        serviceAccountToken: 'sa-token-prod-eu',
        caData: 'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==',
        skipTLSVerify: false,
      },
      {
        name: 'staging',
        url: 'https://staging.k8s.acme.test',
        serviceAccountToken: 'sa-token-staging',
        skipTLSVerify: true,
      },
      {
        name: 'prod-us',
        url: 'https://ABCDEF.gr7.us-east-1.eks.amazonaws.com',
        skipTLSVerify: false,
      },
    ]);
  });

  it('joins the clusters of several config locators', () => {
    const config = new ConfigReader({
      kubernetes: {
        clusterLocatorMethods: [
          { type: 'config', clusters: [{ name: 'a', url: 'https://a.test' }] },
          { type: 'config' },
          { type: 'config', clusters: [{ name: 'b', url: 'https://b.test' }] },
        ],
      },
    });
    expect(readKubernetesClusters(config).map(c => c.name)).toEqual(['a', 'b']);
  });

  it('gives no clusters without kubernetes config', () => {
    expect(readKubernetesClusters(new ConfigReader({}))).toEqual([]);
    expect(
      readKubernetesClusters(
        new ConfigReader({
          kubernetes: { serviceLocatorMethod: { type: 'multiTenant' } },
        }),
      ),
    ).toEqual([]);
  });

  it('names the key of a cluster without a url', () => {
    const config = new ConfigReader({
      kubernetes: {
        clusterLocatorMethods: [
          { type: 'config', clusters: [{ name: 'prod-eu' }] },
        ],
      },
    });
    expect(() => readKubernetesClusters(config)).toThrow(
      "Missing required config value at 'kubernetes.clusterLocatorMethods[0].clusters[0].url'",
    );
  });
});
