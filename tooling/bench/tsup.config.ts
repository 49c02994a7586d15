import { packageBuild } from '../../tooling/tsup.base';

export default packageBuild({ index: 'src/index.ts', cli: 'src/cli.ts', 'training-worker-setup': 'src/training-worker-setup.ts' }, { format: ['esm'], dts: false });
