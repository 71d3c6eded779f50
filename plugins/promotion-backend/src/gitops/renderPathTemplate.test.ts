import { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { assertContainedPath, renderPathTemplate } from './renderPathTemplate';

const entity = (metadata: Partial<Entity['metadata']> = {}): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments', ...metadata },
  spec: {},
});

describe('renderPathTemplate', () => {
  it('renders the default template', () => {
    expect(
      renderPathTemplate(
        'apps/{{ entity.metadata.name }}/overlays/{{ environment }}/kustomization.yaml',
        {
          entity: entity(),
          environment: 'staging',
        },
      ),
    ).toBe('apps/payments/overlays/staging/kustomization.yaml');
  });

  it('renders every placeholder, with or without spaces inside the braces', () => {
    expect(
      renderPathTemplate(
        '{{entity.metadata.namespace}}/{{ entity.kind }}/{{  entity.metadata.name  }}-{{environment}}.yaml',
        { entity: entity({ namespace: 'billing' }), environment: 'prod-eu' },
      ),
    ).toBe('billing/component/payments-prod-eu.yaml');
  });

  it('uses the default namespace when the entity has none', () => {
    expect(
      renderPathTemplate('{{ entity.metadata.namespace }}/values.yaml', {
        entity: entity(),
        environment: 'dev',
      }),
    ).toBe('default/values.yaml');
  });

  it('renders a template without placeholders as it is, normalised', () => {
    expect(
      renderPathTemplate('./charts//api/values.yaml', {
        entity: entity(),
        environment: 'dev',
      }),
    ).toBe('charts/api/values.yaml');
  });

  it('refuses an unknown placeholder, naming it and the known ones', () => {
    const render = () =>
      renderPathTemplate(
        'apps/{{ entity.metadata.title }}/{{ environment }}.yaml',
        {
          entity: entity(),
          environment: 'dev',
        },
      );
    expect(render).toThrow(InputError);
    expect(render).toThrow(
      "Unknown placeholder '{{ entity.metadata.title }}' in path template 'apps/{{ entity.metadata.title }}/{{ environment }}.yaml'; " +
        'use one of entity.metadata.name, entity.metadata.namespace, entity.kind, environment',
    );
  });

  it.each([
    ['../other-team/{{ environment }}.yaml', 'leaves the repository'],
    ['apps/../../{{ environment }}.yaml', 'leaves the repository'],
    ['apps/{{ environment }}/../values.yaml', 'leaves the repository'],
    ['/etc/{{ environment }}.yaml', 'is absolute'],
    [
      'apps\\{{ environment }}.yaml',
      'contains characters that are not allowed',
    ],
  ])('refuses %s (%s)', (template, problem) => {
    const render = () =>
      renderPathTemplate(template, { entity: entity(), environment: 'dev' });
    expect(render).toThrow(InputError);
    expect(render).toThrow(problem);
  });

  it('refuses a path that leaves the repository through a placeholder value', () => {
    expect(() =>
      renderPathTemplate('apps/{{ environment }}/values.yaml', {
        entity: entity(),
        environment: '..',
      }),
    ).toThrow("Path 'apps/../values.yaml' leaves the repository");
    expect(() =>
      renderPathTemplate('{{ entity.metadata.name }}/values.yaml', {
        entity: entity({ name: '..' }),
        environment: 'dev',
      }),
    ).toThrow("Path '../values.yaml' leaves the repository");
  });
});

describe('assertContainedPath', () => {
  it.each([
    ['apps/api/values.yaml', 'apps/api/values.yaml'],
    ['./apps/api/values.yaml', 'apps/api/values.yaml'],
    ['apps//api/./values.yaml', 'apps/api/values.yaml'],
    ['apps/..api/values.yaml', 'apps/..api/values.yaml'],
  ])('accepts %s as %s', (candidate, normalised) => {
    expect(assertContainedPath(candidate)).toBe(normalised);
  });

  it.each([
    '..',
    '../x',
    'a/../../x',
    '/x',
    '',
    '.',
    './',
    'a/..',
    'a\\b',
    'a\0b',
  ])('refuses %j', candidate => {
    expect(() => assertContainedPath(candidate)).toThrow(InputError);
  });
});
