import {
  Gate,
  GateContext,
  GateFactory,
  GateResult,
} from '@promotion-for-backstage/plugin-promotion-node';
import { z } from 'zod';
import { strictObject } from '../config/strictObject';
import { describeArtifact } from './artifacts';
import {
  DIGEST,
  RegistryClient,
  REPOSITORY_NAME,
} from '../registry/RegistryClient';
import type { RegistryService } from '../registry/RegistryService';
import { GateConfigError } from './GateConfigError';
import { gateBlockSchema, readGateConfig } from './readGateConfig';
import { checkGateTemplate, renderGateTemplate } from './renderGateTemplate';

const registryGateSchema = gateBlockSchema({
  registries: z
    .array(
      z.union(
        [
          strictObject({
            /** Id of a registry in `promotion.registries`, with its credentials. */
            registry: z.string().min(1),
            repository: z.string().min(1).optional(),
          }),
          strictObject({
            url: z.string().regex(/^https?:\/\/[^/?#\s]+(\/[^?#\s]*)?$/i, {
              error:
                "expected the registry's base URL, like 'https://registry.internal'",
            }),
            repository: z.string().min(1).optional(),
            token: z.string().min(1).optional(),
          }),
        ],
        {
          error:
            "expected { registry: <id in promotion.registries> } or { url: 'https://registry.internal' }",
        },
      ),
      { error: 'expected a list like [{ registry: primary }]' },
    )
    .min(1, { error: 'list at least one registry' })
    .optional(),
});

/** A registry the gate asks, with the repository template to ask it about. */
interface RegistryOptions {
  client: RegistryClient;
  /** Template; by default the registry's own, else the image name without its host. */
  repository: string;
}

interface RegistryAnswer {
  registry: string;
  repository: string;
  found: boolean;
  problem?: string;
}

/**
 * `type: registry` — the digest exists in every listed registry, e.g. in the
 * production mirror that the target cluster pulls from; without a list, in
 * the environment's primary registry (`promotion.registries`). Asks with
 * `HEAD` on the manifest (the distribution API) with the registry's
 * credentials, answering its challenge as `docker pull` does.
 */
export class RegistryGate implements Gate {
  readonly name: string;

  constructor(
    /** Undefined: the environment's primary registry, found from the image. */
    private readonly registries: RegistryOptions[] | undefined,
    private readonly environment: string,
    private readonly service?: RegistryService,
  ) {
    this.name = registries
      ? `registry ${registries.map(r => r.client.name).join(', ')}`
      : 'registry';
  }

  async evaluate(context: GateContext): Promise<GateResult> {
    const { digest } = context.artifact;
    if (!digest) {
      return {
        status: 'failed',
        message: `The registry gate needs a digest; ${describeArtifact(
          context.artifact,
        )} is pinned by tag only.`,
      };
    }
    if (!DIGEST.test(digest)) {
      return {
        status: 'failed',
        message: `'${digest}' is not a valid digest.`,
      };
    }
    const registries = this.registries ?? this.primaryOf(context);
    if (!registries) {
      return {
        status: 'failed',
        message: `No registry in promotion.registries serves ${context.artifact.image}; list the registries on the gate or set registry.primary on '${this.environment}'`,
      };
    }
    const answers = await Promise.all(
      registries.map(registry => this.ask(registry, digest, context)),
    );
    const details = {
      registries: answers.map(({ registry, repository, found }) => ({
        registry,
        repository,
        found,
      })),
    };
    const problems = answers.filter(answer => !answer.found);
    if (problems.length > 0) {
      return {
        status: 'failed',
        message: problems.map(answer => answer.problem).join('; '),
        details,
      };
    }
    return {
      status: 'passed',
      message: `${digest} is in ${answers
        .map(answer => `${answer.registry} (${answer.repository})`)
        .join(', ')}.`,
      details,
    };
  }

  private primaryOf(context: GateContext): RegistryOptions[] | undefined {
    const primary = this.service?.primaryFor(
      this.environment,
      context.artifact.image,
    );
    return primary && [primary];
  }

  private async ask(
    options: RegistryOptions,
    digest: string,
    context: GateContext,
  ): Promise<RegistryAnswer> {
    const registry = options.client.name;
    let repository: string;
    try {
      repository = renderGateTemplate(
        options.repository,
        context,
        this.environment,
        v => v,
      );
    } catch (error) {
      return problem(
        registry,
        '',
        `Cannot name the repository in ${registry}: ${
          (error as Error).message
        }`,
      );
    }
    if (!REPOSITORY_NAME.test(repository)) {
      return problem(
        registry,
        repository,
        `'${repository}' is not a valid repository name for ${registry}`,
      );
    }
    try {
      const held = await options.client.manifestDigest(
        repository,
        digest,
        context.signal,
      );
      if (held === digest) return { registry, repository, found: true };
      return problem(
        registry,
        repository,
        `${digest} is not in ${registry} (${repository})`,
      );
    } catch (error) {
      if (context.signal.aborted) throw error;
      return problem(registry, repository, (error as Error).message);
    }
  }
}

/**
 * Makes {@link RegistryGate}s from `{ type: registry, registries?: [{ registry }
 * | { url, repository?, token? }] }`; named registries come from `service`.
 */
export function createRegistryGateFactory(
  service?: RegistryService,
): GateFactory {
  return {
    type: 'registry',
    create({ config, environment }) {
      const { registries } = readGateConfig(config, registryGateSchema);
      return new RegistryGate(
        registries?.map((entry, index) => {
          const key = `registries[${index}]`;
          let client: RegistryClient | undefined;
          let repository = entry.repository;
          if ('registry' in entry) {
            client = service?.client(entry.registry);
            if (!client) {
              throw new GateConfigError([
                {
                  key: `${key}.registry`,
                  message: `unknown registry '${entry.registry}'; list it in promotion.registries`,
                },
              ]);
            }
            repository ??= service!.repositoryTemplate(entry.registry);
          } else {
            client = new RegistryClient(
              entry.url,
              entry.url.replace(/\/+$/, ''),
              {
                token: entry.token,
              },
            );
          }
          repository ??= '{{ artifact.repository }}';
          checkGateTemplate(repository, `${key}.repository`);
          return { client, repository };
        }),
        environment,
        service,
      );
    },
  };
}

/** The registry gate for lists of URLs only, without `promotion.registries`. */
export const registryGateFactory: GateFactory = createRegistryGateFactory();

/** An answer that keeps the digest from passing, with the reason. */
function problem(
  registry: string,
  repository: string,
  reason: string,
): RegistryAnswer {
  return { registry, repository, found: false, problem: reason };
}
