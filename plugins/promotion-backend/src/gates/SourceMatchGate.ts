import {
  Gate,
  GateContext,
  GateFactory,
  GateResult,
} from '@promotion-for-backstage/plugin-promotion-node';
import { describeArtifact, sameArtifact } from './artifacts';
import { gateBlockSchema, readGateConfig } from './readGateConfig';

/**
 * `type: source-match` — the artifact is what runs in the source environment
 * now, so "tested there" means these exact bytes.
 */
export class SourceMatchGate implements Gate {
  readonly name = 'source-match';

  async evaluate(context: GateContext): Promise<GateResult> {
    const { source, artifact } = context;
    const wanted = describeArtifact(artifact);
    if (!source.artifact) {
      return {
        status: 'failed',
        message: `Nothing runs in ${source.name} yet, so ${wanted} cannot have been tested there.`,
      };
    }
    const running = describeArtifact(source.artifact);
    if (!sameArtifact(source.artifact, artifact)) {
      return {
        status: 'failed',
        message: `${source.name} runs ${running} now, not ${wanted}.`,
        details: { source: source.name, running: { ...source.artifact } },
      };
    }
    return {
      status: 'passed',
      message: `${source.name} runs ${running} now.`,
    };
  }
}

/** Makes {@link SourceMatchGate}s; the block has no settings of its own. */
export const sourceMatchGateFactory: GateFactory = {
  type: 'source-match',
  create({ config }) {
    readGateConfig(config, gateBlockSchema({}));
    return new SourceMatchGate();
  },
};
