import { Entity } from '@backstage/catalog-model';
import { InputError, ServiceUnavailableError } from '@backstage/errors';
import {
  Artifact,
  PromotionKind,
  RegistryPlan,
  RegistryTagOutcome,
} from '@promotion-for-backstage/plugin-promotion-common';
import { EnvironmentConfig, PromotionConfig, RegistryConfig } from '../config';
import { GateConfigError } from '../gates/GateConfigError';
import { parseImageName } from '../gates/parseImageName';
import {
  checkGateTemplate,
  renderGateTemplate,
} from '../gates/renderGateTemplate';
import { copyImage, CopyResult, ImageLocation } from './copyImage';
import { REPOSITORY_NAME, RegistryClient } from './RegistryClient';
import { RegistryError } from './RegistryError';
import {
  checkTagTemplates,
  EnvironmentTag,
  environmentTags,
  versionOf,
} from './tagNames';

/** What one request asks of the registries. */
export interface RegistryRequest {
  entity: Entity;
  environment: EnvironmentConfig;
  artifact: Artifact;
  kind: PromotionKind;
  /** For a tag-only pin: the digest its tag named when the request was made. */
  resolvedDigest?: string;
}

/** What was made ready before the git change: the digest, and what each registry needed copied. */
export interface PreparedRegistries {
  digest: string;
  copies: Array<{ registry: string; repository: string } & CopyResult>;
}

/** An environment's registries for one image: the primary first, then the secondaries. */
interface EnvironmentRegistries {
  primary: ImageLocation & { id: string };
  secondaries: Array<ImageLocation & { id: string }>;
  tags: EnvironmentTag[];
}

/**
 * The registry side of promotion (`promotion.registries` and each
 * environment's `registry`): resolving a tag-only pin to its digest, copying
 * the build to the secondary registries and checking that the digest matches
 * in each before the change lands, and writing the environment's tags once
 * it has landed.
 */
export class RegistryService {
  private readonly clients = new Map<string, RegistryClient>();

  constructor(
    private readonly config: Pick<
      PromotionConfig,
      'registries' | 'environments'
    >,
    options: { now?: () => number } = {},
  ) {
    const issues: Array<{ key: string; message: string }> = [];
    config.registries.forEach((registry, index) => {
      try {
        checkGateTemplate(
          registry.repository,
          `promotion.registries[${index}].repository`,
        );
      } catch (error) {
        issues.push(...(error as GateConfigError).issues);
      }
      this.clients.set(
        registry.id,
        new RegistryClient(
          registry.url,
          registry.id,
          registry.auth ?? {},
          options.now,
        ),
      );
    });
    config.environments.forEach((environment, index) => {
      for (const problem of checkTagTemplates(environment.registry?.tags)) {
        issues.push({
          ...problem,
          key: `promotion.environments[${index}].registry.tags.${problem.key}`,
        });
      }
    });
    if (issues.length > 0) throw new GateConfigError(issues);
  }

  /** The client of a configured registry, for the registry gate. */
  client(id: string): RegistryClient | undefined {
    return this.clients.get(id);
  }

  /** The repository template of a configured registry. */
  repositoryTemplate(id: string): string {
    return this.registry(id).repository;
  }

  /** The primary registry of an environment (by name) for an image, as the registry gate asks it. */
  primaryFor(
    environmentName: string,
    image: string,
  ): { client: RegistryClient; repository: string } | undefined {
    const environment = this.config.environments.find(
      env => env.name === environmentName,
    );
    const primary = environment && this.primaryOf(environment, image);
    return (
      primary && {
        client: this.clients.get(primary.id)!,
        repository: primary.repository,
      }
    );
  }

  /** The repository an image has in a registry, from the registry's template. */
  repositoryIn(
    id: string,
    entity: Entity,
    artifact: Artifact,
    environment: string,
  ): string {
    const registry = this.registry(id);
    const repository = renderGateTemplate(
      registry.repository,
      { entity, artifact },
      environment,
      v => v,
    );
    if (!REPOSITORY_NAME.test(repository)) {
      throw new InputError(
        `'${repository}' is not a valid repository name for registry '${id}'`,
      );
    }
    return repository;
  }

  /**
   * The registry a build promoted into the environment lives in: the
   * environment's `registry.primary`, else the registry serving the image's
   * host; none when neither applies.
   */
  primaryOf(
    environment: EnvironmentConfig,
    image: string,
  ): RegistryConfig | undefined {
    if (environment.registry?.primary)
      return this.registry(environment.registry.primary);
    const host = parseImageName(image).host ?? 'docker.io';
    return this.config.registries.find(registry =>
      (registry.hosts ?? [new URL(registry.url).host]).includes(host),
    );
  }

  /**
   * For a pin by tag alone, the digest the tag names in the primary registry
   * now; undefined when the build has a digest or no registry serves it. A
   * tag the registry lacks is bad input; a registry that cannot be asked
   * refuses the request for now (nothing is written either way).
   */
  async resolveTag(
    entity: Entity,
    environment: EnvironmentConfig,
    artifact: Artifact,
  ): Promise<string | undefined> {
    if (artifact.digest || !artifact.tag) return undefined;
    const primary = this.primaryOf(environment, artifact.image);
    if (!primary) return undefined;
    const repository = this.repositoryIn(
      primary.id,
      entity,
      artifact,
      environment.name,
    );
    let digest: string | undefined;
    try {
      digest = await this.clients
        .get(primary.id)!
        .manifestDigest(repository, artifact.tag);
    } catch (error) {
      throw new ServiceUnavailableError(
        `Could not resolve ${artifact.image}:${artifact.tag} to a digest: ${
          (error as Error).message
        }; nothing was written`,
      );
    }
    if (!digest) {
      throw new InputError(
        `Tag '${artifact.tag}' is not in registry '${primary.id}' (${repository}); push the build before promoting it`,
      );
    }
    return digest;
  }

  /** What the request will do in registries, for the dry run; undefined when the environment does nothing there. */
  plan(request: RegistryRequest): RegistryPlan | undefined {
    const registries = this.environmentRegistries(
      request,
      request.artifact.digest ?? request.resolvedDigest,
    );
    if (!registries) return undefined;
    return {
      primary: registries.primary.id,
      repository: registries.primary.repository,
      copyTo: registries.secondaries.map(s => s.id),
      tags: registries.tags.map(t => t.name),
    };
  }

  /**
   * Makes the registries ready before the git change: a tag-only pin's tag
   * must still name the digest it named when the request was made (approvals
   * bind to that digest), the build is copied to every secondary and its
   * digest checked in each (`verification: digest_match`), and no immutable
   * tag the promotion will write points at another digest. Throws a
   * {@link RegistryError} that names the registry; nothing is written to git then.
   */
  async prepare(
    request: RegistryRequest,
    signal?: AbortSignal,
  ): Promise<PreparedRegistries | undefined> {
    const { artifact } = request;
    const primary = this.primaryLocation(request);
    if (!primary) {
      this.environmentRegistries(request, artifact.digest); // refuses an environment that needs a registry
      return undefined;
    }
    let digest = artifact.digest;
    if (!digest) {
      if (
        !request.resolvedDigest &&
        !this.environmentRegistries(request, undefined)
      )
        return undefined;
      const named = await primary.registry.manifestDigest(
        primary.repository,
        artifact.tag!,
        signal,
      );
      if (!named) {
        throw new RegistryError(
          `Tag '${artifact.tag}' is no longer in ${primary.id} (${primary.repository})`,
        );
      }
      if (request.resolvedDigest && named !== request.resolvedDigest) {
        throw new RegistryError(
          `Tag '${artifact.tag}' names ${named} in ${primary.id} now, not ${request.resolvedDigest} as when it was requested; request the promotion again`,
        );
      }
      digest = named;
    }
    const registries = this.environmentRegistries(request, digest);
    if (!registries) return { digest, copies: [] };

    const copies: PreparedRegistries['copies'] = [];
    for (const secondary of registries.secondaries) {
      const copied = await copyImage(primary, secondary, digest, signal);
      copies.push({
        registry: secondary.id,
        repository: secondary.repository,
        ...copied,
      });
    }
    // digest_match: every registry answers the same digest for the build.
    for (const location of [primary, ...registries.secondaries]) {
      const held = await location.registry.manifestDigest(
        location.repository,
        digest,
        signal,
      );
      if (held !== digest) {
        throw new RegistryError(
          `${digest} is not in ${location.id} (${location.repository})`,
        );
      }
      for (const tag of registries.tags.filter(t => t.immutable)) {
        const tagged = await location.registry.manifestDigest(
          location.repository,
          tag.name,
          signal,
        );
        if (tagged && tagged !== digest) {
          throw new RegistryError(
            `Tag '${tag.name}' in ${location.id} (${location.repository}) points at ${tagged}, not ${digest}; immutable tags are never moved`,
          );
        }
      }
    }
    return { digest, copies };
  }

  /**
   * Writes the environment's tags in its registries once the change has
   * landed. Never throws: the promotion has landed whatever the registries
   * answer, so refusals and errors are reported for the audit log.
   */
  async writeTags(
    request: RegistryRequest,
    digest: string,
  ): Promise<RegistryTagOutcome | undefined> {
    let registries: EnvironmentRegistries | undefined;
    try {
      registries = this.environmentRegistries(request, digest);
    } catch (error) {
      return {
        written: [],
        unchanged: [],
        refused: [(error as Error).message],
      };
    }
    if (!registries || registries.tags.length === 0) return undefined;
    const outcome: RegistryTagOutcome = {
      written: [],
      unchanged: [],
      refused: [],
    };
    for (const location of [registries.primary, ...registries.secondaries]) {
      try {
        const manifest = await location.registry.getManifest(
          location.repository,
          digest,
        );
        if (!manifest)
          throw new RegistryError(
            `${digest} is not in ${location.id} (${location.repository})`,
          );
        for (const tag of registries.tags) {
          const where = `${location.id}/${location.repository}:${tag.name}`;
          const tagged = await location.registry.manifestDigest(
            location.repository,
            tag.name,
          );
          if (tagged === digest) {
            outcome.unchanged.push(where);
          } else if (tagged && tag.immutable) {
            outcome.refused.push(
              `${where} points at ${tagged}, not ${digest}; immutable tags are never moved`,
            );
          } else {
            await location.registry.putManifest(
              location.repository,
              tag.name,
              manifest,
            );
            outcome.written.push(where);
          }
        }
      } catch (error) {
        outcome.refused.push((error as Error).message);
      }
    }
    return outcome;
  }

  private registry(id: string): RegistryConfig {
    const registry = this.config.registries.find(r => r.id === id);
    if (!registry) throw new InputError(`Unknown registry '${id}'`);
    return registry;
  }

  private locate(
    id: string,
    request: RegistryRequest,
  ): ImageLocation & { id: string } {
    return {
      id,
      registry: this.clients.get(id)!,
      repository: this.repositoryIn(
        id,
        request.entity,
        request.artifact,
        request.environment.name,
      ),
    };
  }

  private primaryLocation(request: RegistryRequest) {
    const primary = this.primaryOf(request.environment, request.artifact.image);
    return primary ? this.locate(primary.id, request) : undefined;
  }

  /**
   * The registries of an environment that copies or tags builds; undefined
   * when it does neither. An environment that does, for an image no
   * registry serves, is a configuration error the request must not pass.
   */
  private environmentRegistries(
    request: RegistryRequest,
    digest: string | undefined,
  ): EnvironmentRegistries | undefined {
    const settings = request.environment.registry;
    if (!settings?.tags && !settings?.crossRegistrySync) return undefined;
    const primary = this.primaryLocation(request);
    if (!primary) {
      throw new InputError(
        `No registry in promotion.registries serves ${request.artifact.image}; set registry.primary on '${request.environment.name}'`,
      );
    }
    let tags: EnvironmentTag[] = [];
    try {
      tags = environmentTags({
        tags: settings.tags,
        environment: request.environment.name,
        kind: request.kind,
        version: versionOf(request.artifact, digest),
      });
    } catch (error) {
      throw new InputError(
        `Cannot tag ${request.artifact.image} in '${
          request.environment.name
        }': ${(error as Error).message}`,
      );
    }
    return {
      primary,
      secondaries: (settings.crossRegistrySync?.secondaries ?? []).map(id =>
        this.locate(id, request),
      ),
      tags,
    };
  }
}
