import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { JsonObject } from '@backstage/types';
import { readPromotionConfig } from '../config';
import { TargetResolver } from './TargetResolver';

const IMAGE = 'ghcr.io/acme/payments';

const resolver = (gitops: JsonObject = {}, environments?: JsonObject[]) =>
  new TargetResolver(
    readPromotionConfig(
      new ConfigReader({
        promotion: {
          environments: environments ?? [
            { name: 'dev' },
            { name: 'staging' },
            {
              name: 'prod',
              repository: 'prod-gitops',
              path: 'prod/{{ entity.metadata.name }}/kustomization.yaml',
            },
          ],
          gitops: {
            repositories: [
              { id: 'platform', url: 'https://github.com/acme/gitops' },
              { id: 'team', url: 'https://github.com/acme/payments-deploy' },
              { id: 'prod-gitops', url: 'https://github.com/acme/prod-gitops' },
            ],
            defaults: { repository: 'platform' },
            ...gitops,
          },
        },
      }),
    ),
  );

const entity = (annotations: Record<string, string> = {}): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments',
    namespace: 'default',
    annotations: { 'promotion.backstage.io/image': IMAGE, ...annotations },
  },
  spec: {},
});

describe('TargetResolver', () => {
  const env = (r: TargetResolver, name: string) =>
    r.environmentsFor(entity()).find(e => e.name === name)!;

  describe('environmentsFor', () => {
    it('is the whole pipeline without the annotation', () => {
      expect(
        resolver()
          .environmentsFor(entity())
          .map(e => e.name),
      ).toEqual(['dev', 'staging', 'prod']);
    });

    it('keeps the pipeline order for a subset listed in any order', () => {
      const subset = entity({
        'promotion.backstage.io/environments': ' prod, dev ,',
      });
      expect(
        resolver()
          .environmentsFor(subset)
          .map(e => e.name),
      ).toEqual(['dev', 'prod']);
    });

    it('rejects unknown environment names, naming them and the entity', () => {
      const subset = entity({
        'promotion.backstage.io/environments': 'dev,qa,production',
      });
      const resolve = () => resolver().environmentsFor(subset);
      expect(resolve).toThrow(InputError);
      expect(resolve).toThrow(
        'component:default/payments lists unknown environment(s) qa, production in promotion.backstage.io/environments',
      );
    });
  });

  describe('imageOf', () => {
    it('returns the image annotation', () => {
      expect(resolver().imageOf(entity())).toBe(IMAGE);
    });

    it('rejects an entity without the image annotation', () => {
      const plain: Entity = {
        ...entity(),
        metadata: { name: 'payments', annotations: {} },
      };
      expect(() => resolver().imageOf(plain)).toThrow(
        'component:default/payments has no promotion.backstage.io/image annotation, so it cannot be promoted',
      );
      expect(() =>
        resolver().targetsFor(plain, env(resolver(), 'dev')),
      ).toThrow(InputError);
    });
  });

  describe('targetsFor', () => {
    it('uses gitops.defaults when nothing overrides them', () => {
      const r = resolver();
      expect(r.targetsFor(entity(), env(r, 'staging'))).toEqual([
        {
          repositoryId: 'platform',
          path: 'apps/payments/overlays/staging/kustomization.yaml',
          locator: {
            format: 'kustomize',
            image: IMAGE,
            digestPath: undefined,
            tagPath: undefined,
          },
        },
      ]);
    });

    it('falls back to the first repository when there is no default repository', () => {
      const r = resolver({ defaults: {} });
      expect(r.targetsFor(entity(), env(r, 'dev'))[0].repositoryId).toBe(
        'platform',
      );
    });

    it('lets the annotations beat the defaults', () => {
      const r = resolver();
      const annotated = entity({
        'promotion.backstage.io/repository': 'team',
        'promotion.backstage.io/path':
          'deploy/{{ entity.metadata.name }}/{{ environment }}/values.yaml',
      });
      expect(r.targetsFor(annotated, env(r, 'staging'))).toMatchObject([
        { repositoryId: 'team', path: 'deploy/payments/staging/values.yaml' },
      ]);
    });

    it('lets the environment beat the annotations', () => {
      const r = resolver();
      const annotated = entity({
        'promotion.backstage.io/repository': 'team',
        'promotion.backstage.io/path':
          'deploy/{{ entity.metadata.name }}/{{ environment }}/values.yaml',
      });
      expect(r.targetsFor(annotated, env(r, 'prod'))).toMatchObject([
        {
          repositoryId: 'prod-gitops',
          path: 'prod/payments/kustomization.yaml',
        },
      ]);
    });

    it('decides repository and path separately', () => {
      const r = resolver({}, [
        { name: 'dev' },
        { name: 'prod', repository: 'prod-gitops' },
      ]);
      const annotated = entity({
        'promotion.backstage.io/path':
          'deploy/{{ entity.metadata.name }}/{{ environment }}/values.yaml',
      });
      expect(r.targetsFor(annotated, env(r, 'prod'))).toMatchObject([
        {
          repositoryId: 'prod-gitops',
          path: 'deploy/payments/prod/values.yaml',
        },
      ]);
    });

    it('returns one target per path, from an environment list or a comma-separated annotation', () => {
      const r = resolver({}, [
        { name: 'dev' },
        {
          name: 'prod',
          path: [
            'apps/{{ entity.metadata.name }}/prod-eu.yaml',
            'apps/{{ entity.metadata.name }}/prod-us.yaml',
          ],
        },
      ]);
      expect(r.targetsFor(entity(), env(r, 'prod')).map(t => t.path)).toEqual([
        'apps/payments/prod-eu.yaml',
        'apps/payments/prod-us.yaml',
      ]);
      const annotated = entity({
        'promotion.backstage.io/path':
          'a/{{ entity.metadata.name }}/{{ environment }}-eu.yaml, a/{{ entity.metadata.name }}/{{ environment }}-us.yaml',
      });
      expect(r.targetsFor(annotated, env(r, 'dev')).map(t => t.path)).toEqual([
        'a/payments/dev-eu.yaml',
        'a/payments/dev-us.yaml',
      ]);
    });

    it('takes the format and dotted paths from the annotations', () => {
      const r = resolver({
        defaults: { repository: 'platform', format: 'yaml' },
      });
      expect(r.targetsFor(entity(), env(r, 'dev'))[0].locator.format).toBe(
        'yaml',
      );
      const helm = entity({
        'promotion.backstage.io/format': 'helm-values',
        'promotion.backstage.io/digest-path': 'image.digest',
        'promotion.backstage.io/tag-path': 'image.tag',
      });
      expect(r.targetsFor(helm, env(r, 'dev'))[0].locator).toEqual({
        format: 'helm-values',
        image: IMAGE,
        digestPath: 'image.digest',
        tagPath: 'image.tag',
      });
    });

    it('rejects an unknown format annotation', () => {
      const r = resolver();
      expect(() =>
        r.targetsFor(
          entity({ 'promotion.backstage.io/format': 'jsonnet' }),
          env(r, 'dev'),
        ),
      ).toThrow(
        "component:default/payments has format 'jsonnet' in promotion.backstage.io/format; use one of kustomize, helm-values, yaml",
      );
    });

    it('rejects an unknown repository annotation', () => {
      const r = resolver();
      expect(() =>
        r.targetsFor(
          entity({ 'promotion.backstage.io/repository': 'elsewhere' }),
          env(r, 'dev'),
        ),
      ).toThrow(
        "component:default/payments names unknown repository 'elsewhere' in promotion.backstage.io/repository",
      );
    });

    it('rejects a path annotation that leaves the repository', () => {
      const r = resolver();
      expect(() =>
        r.targetsFor(
          entity({
            'promotion.backstage.io/path':
              '../{{ entity.metadata.name }}/{{ environment }}.yaml',
          }),
          env(r, 'dev'),
        ),
      ).toThrow("Path '../payments/dev.yaml' leaves the repository");
    });

    it('refuses a path annotation without the entity name, which could point at another entity', () => {
      const r = resolver();
      expect(() =>
        r.targetsFor(
          entity({
            'promotion.backstage.io/path':
              'apps/checkout/overlays/{{ environment }}/kustomization.yaml',
          }),
          env(r, 'dev'),
        ),
      ).toThrow(
        'promotion.backstage.io/path must contain {{ entity.metadata.name }}',
      );
    });
  });
});
