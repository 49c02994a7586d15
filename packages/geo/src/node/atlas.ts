import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { FeatureCollection, MultiLineString } from 'geojson';
import { feature, mesh } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';

const require = createRequire(import.meta.url);

export interface Atlas {
  /** Natural Earth land (world-atlas land-110m). */
  readonly land: FeatureCollection;
  /** Borders between countries (world-atlas countries-110m, interior arcs only). */
  readonly borders: MultiLineString;
}

let cached: Atlas | undefined;

/** Natural Earth 1:110m land and country borders from the world-atlas package (read from node_modules, never fetched). */
export function loadAtlas(): Atlas {
  if (cached) return cached;
  const read = (name: string) => JSON.parse(readFileSync(require.resolve(`world-atlas/${name}`), 'utf8')) as Topology;
  const landTopo = read('land-110m.json');
  const countries = read('countries-110m.json');
  const land = feature(landTopo, landTopo.objects.land as GeometryCollection) as unknown as FeatureCollection;
  const borders = mesh(countries, countries.objects.countries as GeometryCollection, (a, b) => a !== b) as MultiLineString;
  cached = { land, borders };
  return cached;
}
