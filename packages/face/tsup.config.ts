import { packageBuild } from '../../tooling/tsup.base';

// shims: the CJS build gets a working import.meta.url (the teacher loader resolves @vladmandic/face-api from this package).
export default packageBuild({ index: 'src/index.ts' }, { shims: true });
