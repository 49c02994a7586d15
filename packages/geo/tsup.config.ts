import { packageBuild } from '../../tooling/tsup.base';

// Two entries: the browser-safe part (cells, distances, metrics, head, geolocate) and `/node`
// (location readers on the file system, maps through sharp, training, the offline benchmark's generator).
export default packageBuild({ index: 'src/index.ts', node: 'src/node.ts' }, { shims: true });
