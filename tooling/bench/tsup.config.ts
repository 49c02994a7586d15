import { packageBuild } from '../../tooling/tsup.base';

export default packageBuild({ index: 'src/index.ts', cli: 'src/cli.ts' }, { format: ['esm'], dts: false });
