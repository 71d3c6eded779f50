import {
  Gate,
  GateContext,
  GateFactory,
  GateResult,
} from '@internal/plugin-promotion-node';
import { z } from 'zod';
import { strictObject } from '../config/strictObject';
import { describeArtifact } from './artifacts';
import { describeFetchError } from './describeFetchError';
import { gateBlockSchema, readGateConfig } from './readGateConfig';
import { checkGateTemplate, renderGateTemplate } from './renderGateTemplate';

/** Manifest kinds a registry may hold for an image digest, single or multi-arch. */
const MANIFEST_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
];

// The grammars of the OCI distribution spec, so no other path can be built.
const REPOSITORY =
  /^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*$/;
const DIGEST = /^[a-z0-9]+([+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

const registryGateSchema = gateBlockSchema({
  registries: z
    .array(
      strictObject({
        url: z.string().regex(/^https?:\/\/[^/?#\s]+(\/[^?#\s]*)?$/i, {
          error:
            "expected the registry's base URL, like 'https://registry.internal'",
        }),
        repository: z.string().min(1).optional(),
        token: z.string().min(1).optional(),
      }),
      { error: "expected a list like [{ url: 'https://registry.internal' }]" },
    )
    .min(1, { error: 'list at least one registry' }),
});

interface RegistryOptions {
  url: string;
  /** Template; by default the image name without its registry host. */
  repository: string;
  token?: string;
}

interface RegistryAnswer {
  registry: string;
  repository: string;
  found: boolean;
  problem?: string;
}

/**
 * `type: registry` — the digest exists in every listed registry, e.g. in the
 * production mirror that the target cluster pulls from. Asks with `HEAD` on
 * the manifest (the distribution API), following an anonymous bearer-token
 * challenge once as `docker pull` does.
 */
export class RegistryGate implements Gate {
  readonly name: string;

  constructor(
    private readonly registries: RegistryOptions[],
    private readonly environment: string,
  ) {
    this.name = `registry ${registries
      .map(r => new URL(r.url).host)
      .join(', ')}`;
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
    const answers = await Promise.all(
      this.registries.map(registry => this.ask(registry, digest, context)),
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

  private async ask(
    options: RegistryOptions,
    digest: string,
    context: GateContext,
  ): Promise<RegistryAnswer> {
    const registry = options.url.replace(/\/$/, '');
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
    if (!REPOSITORY.test(repository)) {
      return problem(
        registry,
        repository,
        `'${repository}' is not a valid repository name for ${registry}`,
      );
    }
    const manifest = `${registry}/v2/${repository}/manifests/${digest}`;
    const head = (authorization?: string) =>
      fetch(manifest, {
        method: 'HEAD',
        headers: {
          accept: MANIFEST_TYPES.join(', '),
          ...(authorization ? { authorization } : {}),
        },
        signal: context.signal,
      });
    try {
      let response = await head(options.token && `Bearer ${options.token}`);
      const challenge =
        response.status === 401
          ? parseBearerChallenge(response.headers.get('www-authenticate'))
          : undefined;
      if (challenge) {
        const token = await fetchAnonymousToken(
          challenge,
          repository,
          context.signal,
        );
        response = await head(`Bearer ${token}`);
      }
      switch (response.status) {
        case 200:
          return { registry, repository, found: true };
        case 404:
          return problem(
            registry,
            repository,
            `${digest} is not in ${registry} (${repository})`,
          );
        case 401:
        case 403:
          return problem(
            registry,
            repository,
            `${registry} refused access to ${repository} (${response.status})`,
          );
        default:
          return problem(
            registry,
            repository,
            `${registry} answered ${response.status} for ${repository}`,
          );
      }
    } catch (error) {
      if (context.signal.aborted) throw error;
      return problem(
        registry,
        repository,
        `Could not ask ${registry}: ${describeFetchError(error)}`,
      );
    }
  }
}

/** Makes {@link RegistryGate}s from `{ type: registry, registries: [{ url, repository?, token? }] }`. */
export const registryGateFactory: GateFactory = {
  type: 'registry',
  create({ config, environment }) {
    const { registries } = readGateConfig(config, registryGateSchema);
    return new RegistryGate(
      registries.map((registry, index) => {
        const repository = registry.repository ?? '{{ artifact.repository }}';
        checkGateTemplate(repository, `registries[${index}].repository`);
        return { url: registry.url, repository, token: registry.token };
      }),
      environment,
    );
  },
};

/** An answer that keeps the digest from passing, with the reason. */
function problem(
  registry: string,
  repository: string,
  reason: string,
): RegistryAnswer {
  return { registry, repository, found: false, problem: reason };
}

/** `Bearer realm="https://auth/token",service="registry",scope="repository:a/b:pull"`. */
function parseBearerChallenge(
  header: string | null,
): Record<string, string> | undefined {
  if (!header || !/^bearer\s/i.test(header)) return undefined;
  const params: Record<string, string> = {};
  for (const match of header.matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)) {
    params[match[1].toLowerCase()] = match[2] ?? match[3];
  }
  return params.realm ? params : undefined;
}

async function fetchAnonymousToken(
  challenge: Record<string, string>,
  repository: string,
  signal: AbortSignal,
): Promise<string> {
  const url = new URL(challenge.realm);
  if (challenge.service) url.searchParams.set('service', challenge.service);
  url.searchParams.set(
    'scope',
    challenge.scope ?? `repository:${repository}:pull`,
  );
  const response = await fetch(url, { signal });
  if (!response.ok) {
    throw new Error(
      `its token service ${url.origin}${url.pathname} answered ${response.status}`,
    );
  }
  const body = (await response.json()) as {
    token?: string;
    access_token?: string;
  };
  const token = body.token ?? body.access_token;
  if (!token) {
    throw new Error(
      `its token service ${url.origin}${url.pathname} sent no token`,
    );
  }
  return token;
}
