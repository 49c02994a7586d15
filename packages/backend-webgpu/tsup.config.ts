import { packageBuild } from '../../tooling/tsup.base';

export default packageBuild({ index: 'src/index.ts', register: 'src/register.ts' });
