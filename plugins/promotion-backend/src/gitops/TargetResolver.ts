import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  ANNOTATION_PROMOTION_DIGEST_PATH,
  ANNOTATION_PROMOTION_ENVIRONMENTS,
  ANNOTATION_PROMOTION_FORMAT,
  ANNOTATION_PROMOTION_IMAGE,
  ANNOTATION_PROMOTION_PATH,
  ANNOTATION_PROMOTION_REPOSITORY,
  ANNOTATION_PROMOTION_TAG_PATH,
} from '@promotion-for-backstage/plugin-promotion-common';
import { EnvironmentConfig, ManifestFormat, PromotionConfig } from '../config';
import { PinLocator } from './editors';
import { renderPathTemplate } from './renderPathTemplate';

/** One manifest file that pins an entity's image in one environment. */
export interface PromotionTarget {
  repositoryId: string;
  path: string;
  locator: PinLocator;
}

const FORMATS: ManifestFormat[] = ['kustomize', 'helm-values', 'yaml'];

/**
 * Works out which environments an entity has and which file pins its image
 * in each. An environment's own `repository`/`path` win (production often
 * lives elsewhere), then the entity's annotations, then `gitops.defaults`.
 */
export class TargetResolver {
  constructor(private readonly config: PromotionConfig) {}

  /** The entity's pipeline: the configured environments, or the annotation's subset of them. */
  environmentsFor(entity: Entity): EnvironmentConfig[] {
    const subset =
      entity.metadata.annotations?.[ANNOTATION_PROMOTION_ENVIRONMENTS];
    if (!subset) return this.config.environments;
    const wanted = subset
      .split(',')
      .map(name => name.trim())
      .filter(Boolean);
    const unknown = wanted.filter(
      name => !this.config.environments.some(env => env.name === name),
    );
    if (unknown.length > 0) {
      throw new InputError(
        `${stringifyEntityRef(
          entity,
        )} lists unknown environment(s) ${unknown.join(
          ', ',
        )} in ${ANNOTATION_PROMOTION_ENVIRONMENTS}`,
      );
    }
    return this.config.environments.filter(env => wanted.includes(env.name));
  }

  /** The image annotation, which is what makes an entity promotable. */
  imageOf(entity: Entity): string {
    const image = entity.metadata.annotations?.[ANNOTATION_PROMOTION_IMAGE];
    if (!image) {
      throw new InputError(
        `${stringifyEntityRef(
          entity,
        )} has no ${ANNOTATION_PROMOTION_IMAGE} annotation, so it cannot be promoted`,
      );
    }
    return image;
  }

  targetsFor(
    entity: Entity,
    environment: EnvironmentConfig,
  ): PromotionTarget[] {
    const annotations = entity.metadata.annotations ?? {};
    const defaults = this.config.gitops.defaults;
    const repositoryId =
      environment.repository ??
      annotations[ANNOTATION_PROMOTION_REPOSITORY] ??
      defaults.repository ??
      this.config.gitops.repositories[0].id;
    if (!this.config.gitops.repositories.some(r => r.id === repositoryId)) {
      throw new InputError(
        `${stringifyEntityRef(
          entity,
        )} names unknown repository '${repositoryId}' in ${ANNOTATION_PROMOTION_REPOSITORY}`,
      );
    }
    const format = (annotations[ANNOTATION_PROMOTION_FORMAT] ??
      defaults.format) as ManifestFormat;
    if (!FORMATS.includes(format)) {
      throw new InputError(
        `${stringifyEntityRef(
          entity,
        )} has format '${format}' in ${ANNOTATION_PROMOTION_FORMAT}; use one of ${FORMATS.join(
          ', ',
        )}`,
      );
    }
    const annotated = annotations[ANNOTATION_PROMOTION_PATH];
    if (
      !environment.path &&
      annotated &&
      !toTemplates(annotated).every(t =>
        /\{\{\s*entity\.metadata\.name\s*\}\}/.test(t),
      )
    ) {
      // Entity authors choose this annotation; without their own name in it
      // they could point a promotion at another entity's manifests.
      throw new InputError(
        `${stringifyEntityRef(
          entity,
        )}: ${ANNOTATION_PROMOTION_PATH} must contain {{ entity.metadata.name }}`,
      );
    }
    const templates = toTemplates(
      environment.path ?? annotated ?? defaults.path,
    );
    const locator: PinLocator = {
      format,
      image: this.imageOf(entity),
      digestPath: annotations[ANNOTATION_PROMOTION_DIGEST_PATH],
      tagPath: annotations[ANNOTATION_PROMOTION_TAG_PATH],
    };
    return templates.map(template => ({
      repositoryId,
      path: renderPathTemplate(template, {
        entity,
        environment: environment.name,
      }),
      locator,
    }));
  }
}

/** Path templates from config (a string or a list) or an annotation (comma-separated). */
function toTemplates(value: string | string[]): string[] {
  const list = Array.isArray(value) ? value : value.split(',');
  return list.map(template => template.trim()).filter(Boolean);
}
