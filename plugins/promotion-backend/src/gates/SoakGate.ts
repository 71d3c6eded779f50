import {
  Gate,
  GateContext,
  GateFactory,
  GateResult,
} from '@internal/plugin-promotion-node';
import { describeArtifact, sameArtifact } from './artifacts';
import { formatDuration } from './formatDuration';
import {
  durationSchema,
  gateBlockSchema,
  readDurationMs,
  readGateConfig,
} from './readGateConfig';

/**
 * `type: soak` — the artifact has run in the source environment for at least
 * `duration`, counted from when it was pinned there, so problems that take
 * time to show up have had that time.
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
    const since = source.since ? new Date(source.since) : undefined;
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
