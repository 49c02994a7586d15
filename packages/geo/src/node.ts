/**
 * `@mobilenet-kit/geo/node`: location readers (EXIF GPS with exifr, sidecar
 * CSV), geo model folders, world maps and accuracy-at-scale curves rendered
 * through sharp, training through the classification loop, and the offline
 * benchmark's map-view generator. Node only.
 */
export { readLocationsCsv, readExifLocation, readGeoFolder, type GeoPhoto, type GeoFolder } from './node/locations';
export { loadAtlas, type Atlas } from './node/atlas';
export { geoMapSvg, renderGeoMap, type GeoMapOptions } from './node/map';
export { scaleCurvesSvg, renderScaleCurves, type ScaleCurvePoint } from './node/scale-curves';
export { drawMapViews, mapViewSvg, renderMapViews, MAP_VIEW_DEFAULTS, type MapView, type MapViewSettings } from './node/synthetic';
export { writeCellTable, readCellTable, saveGeoModel, loadGeoModel } from './node/model-folder';
export { trainGeo, type TrainGeoOptions, type TrainGeoResult, type GeoImageSet, type GeoModelSettings, type GeoEpochResult } from './node/train';
