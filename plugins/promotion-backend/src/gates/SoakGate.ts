import {
  Gate,
  GateContext,
  GateFactory,
  GateResult,
} from '@promotion-for-backstage/plugin-promotion-node';
import { describeArtifact, sameArtifact } from './artifacts';
import { DEPLOYMENT_RETRY_MS, deploymentVerdict } from './deploymentVerdict';
import { formatDuration } from './formatDuration';
import {
  durationSchema,
  gateBlockSchema,
  readDurationMs,
  readGateConfig,
} from './readGateConfig';

/**
 * `type: soak` — the artifact has run in the source environment for at least
 * `duration`, so problems that take time to show up have had that time.
 * Where the source has a deployment source (Argo CD, Flux) the soak counts
 * from when it became healthy running the build; else from when the build
 * was pinned on its branch (which comes before it runs).
 */
export class SoakGate implements Gate {
  readonly name: string;

  constructor(private readonly durationMs: number) {
    this.name = `soak ${formatDuration(durationMs)}`;
  }

  async evaluate(context: GateContext): Promise<GateResult> {
    const { source, artifact, now } = context;
    const wanted = describeArtifact(artifact);
    if (!source.artifact || !sameArtifact(source.artifact, artifact)) {
      const running = source.artifact
        ? `runs ${describeArtifact(source.artifact)}`
        : 'runs nothing';
      return {
        status: 'failed',
        message: `${source.name} ${running} now, so ${wanted} is not soaking there.`,
      };
    }
    let since = source.since ? new Date(source.since) : undefined;
    if (source.readDeployment) {
      const status = await source.readDeployment();
      const verdict = deploymentVerdict(source.name, status, artifact);
      if (!verdict.ready) {
        return {
          status: 'pending',
          message: `${wanted} is not soaking yet: ${verdict.message}`,
          details: {
            source: source.name,
            sync: status.sync,
            health: status.health,
          },
          retryAt: new Date(now.getTime() + DEPLOYMENT_RETRY_MS),
        };
      }
      const healthy = status.healthySince
        ? new Date(status.healthySince)
        : undefined;
      // Healthy since before the pin means healthy on the build before: the
      // soak of this one cannot have started earlier than its pin.
      if (
        healthy &&
        !Number.isNaN(healthy.getTime()) &&
        (!since || healthy > since)
      ) {
        since = healthy;
      }
    }
    if (!since || Number.isNaN(since.getTime())) {
      // Without a start we cannot prove the soak; passing would be a guess.
      return {
        status: 'failed',
        message: `It is not known since when ${source.name} runs ${wanted}, so its soak cannot be measured.`,
      };
    }
    const soakedMs = now.getTime() - since.getTime();
    const details = {
      source: source.name,
      since: since.toISOString(),
      durationMs: this.durationMs,
    };
    if (soakedMs < this.durationMs) {
      const retryAt = new Date(since.getTime() + this.durationMs);
      return {
        status: 'pending',
        message: `${wanted} has soaked in ${source.name} for ${formatDuration(
          Math.max(0, soakedMs),
        )} of ${formatDuration(
          this.durationMs,
        )}; it can pass at ${retryAt.toISOString()}.`,
        details,
        retryAt,
      };
    }
    return {
      status: 'passed',
      message: `${wanted} has run in ${
        source.name
      } since ${since.toISOString()}.`,
      details,
    };
  }
}

/** Makes {@link SoakGate}s from `{ type: soak, duration: { minutes: 30 } }`. */
export const soakGateFactory: GateFactory = {
  type: 'soak',
  create({ config }) {
    readGateConfig(config, gateBlockSchema({ duration: durationSchema }));
    return new SoakGate(readDurationMs(config, 'duration'));
  },
};
