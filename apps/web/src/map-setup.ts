// MapLibre GL, loaded only by the map view. The worker script is bundled as a same-origin asset
// (the CSP allows worker-src 'self' blob:); no style, glyph or tile server outside biomon is used.
import { setWorkerUrl } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';

setWorkerUrl(workerUrl);

export * as maplibregl from 'maplibre-gl';
