import type { FaceApiManifestFile } from './face-api-model-dir';

async function fetchBytes(caller: string, url: string, what: string): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw new Error(`${caller}: cannot fetch ${what} ${url} (${(e as Error).message})`, { cause: e });
  }
  if (!response.ok) throw new Error(`${caller}: GET ${url} answered HTTP ${response.status}; the folder must serve face-api's ${what}`);
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * Fetches and parses `modelUrl/manifestFile` (the browser counterpart of
 * readFaceApiManifest: a page serves face-api's model files itself); shards
 * are fetched relative to the manifest, as tfjs's `io.http` does. `modelUrl`
 * is a folder URL, absolute or relative to the page; errors start with
 * `caller` and name the URL.
 */
export async function fetchFaceApiManifest(caller: string, modelUrl: string, manifestFile: string): Promise<FaceApiManifestFile> {
  const base = typeof document !== 'undefined' ? document.baseURI : undefined;
  const folder = modelUrl.endsWith('/') ? modelUrl : `${modelUrl}/`;
  let manifestUrl: string;
  try {
    manifestUrl = new URL(manifestFile, new URL(folder, base)).href;
  } catch (e) {
    throw new Error(`${caller}: modelUrl "${modelUrl}" is not a URL${base === undefined ? ' (outside a page it must be absolute, e.g. http://localhost:8080/models/)' : ''}`, { cause: e });
  }
  const text = new TextDecoder().decode(await fetchBytes(caller, manifestUrl, manifestFile));
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch (e) {
    throw new Error(`${caller}: ${manifestUrl} is not valid JSON (${(e as Error).message})`, { cause: e });
  }
  return { manifest, manifestPath: manifestUrl, readShard: (shard) => fetchBytes(caller, new URL(shard, manifestUrl).href, 'weights shard') };
}
