import { packageBuild } from '../../tooling/tsup.base';

// shims: the CJS build gets a working import.meta.url (used to find the .wasm files in node_modules).
export default packageBuild({ index: 'src/index.ts', register: 'src/register.ts' }, { shims: true });
