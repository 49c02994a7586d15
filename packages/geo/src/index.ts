/**
 * `@mobilenet-kit/geo`: PlaNet (Weyand et al. 2016) on the MobileNet v1
 * backbone. Browser-safe: cells, distances, metrics, the head and geolocate().
 * File readers, maps, training and the offline benchmark: `@mobilenet-kit/geo/node`.
 */
export { GeoOptionError, LocationError } from './errors';
export { EARTH_RADIUS_KM, greatCircleKm, toUnitVector, fromVector, weightedMeanPoint, coordinateProblem, type LatLon } from './distance';
export {
  buildPartition,
  partitionDefaults,
  leafCellId,
  cellTokenAt,
  cellCenter,
  cellPolygon,
  CellLookup,
  neighbourTargets,
  type GeoCell,
  type Partition,
  type PartitionOptions,
  type PartitionSettings,
} from './cells';
export { IM2GPS_SCALES_KM, scoreDistances, evaluateGeolocation, type GeoScores, type GeoEvaluation, type ScaleKey } from './metrics';
export { geoHead, cellTableFrom, CELLS_FILE, CELLS_FORMAT, type GeoGraph, type GeoMetadata, type CellTable } from './head';
export { createGeolocator, geolocate, geolocationFrom, type Geolocator, type Geolocation, type GeolocateOptions, type CellPrediction } from './geolocate';
