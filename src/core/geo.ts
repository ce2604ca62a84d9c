/**
 * Geography for importers that know where nodes are: great-circle distance (haversine formula, R. W. Sinnott,
 * "Virtues of the Haversine", Sky and Telescope 68(2), 1984) and the propagation latency of a path of that length
 * in fibre, where light travels at about 2/3 of its speed in vacuum.
 */

/** A position in degrees: latitude in [-90, 90], longitude in [-180, 180]. */
export interface LatLon {
  readonly lat: number;
  readonly lon: number;
}

/** Mean Earth radius (IUGG), km. */
export const EARTH_RADIUS_KM = 6371.0088;

/** Speed of light in vacuum, km per ms. */
export const LIGHT_KM_PER_MS = 299.792458;

/** Signal speed in fibre (2/3 c), km per ms: about 200 km per ms, so 1,000 km is 5 ms one way. */
export const FIBRE_KM_PER_MS = (LIGHT_KM_PER_MS * 2) / 3;

/** Whether the numbers are a valid latitude/longitude pair (finite, within range). */
export function isLatLon(lat: number, lon: number): boolean {
  return Number.isFinite(lat) && Number.isFinite(lon) && lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180;
}

const RAD = Math.PI / 180;

/**
 * Great-circle distance between two positions, km, on a sphere of radius {@link EARTH_RADIUS_KM}: the central
 * angle by Vincenty's formula for the sphere (an atan2 of the cross and dot products), which stays accurate for
 * nearly antipodal points, where the haversine's asin loses precision.
 */
export function greatCircleKm(a: LatLon, b: LatLon): number {
  const p1 = a.lat * RAD;
  const p2 = b.lat * RAD;
  const dLon = (b.lon - a.lon) * RAD;
  const c1 = Math.cos(p1);
  const c2 = Math.cos(p2);
  const s1 = Math.sin(p1);
  const s2 = Math.sin(p2);
  const cd = Math.cos(dLon);
  const x = c2 * Math.sin(dLon);
  const y = c1 * s2 - s1 * c2 * cd;
  return EARTH_RADIUS_KM * Math.atan2(Math.hypot(x, y), s1 * s2 + c1 * c2 * cd);
}

/** One-way propagation latency over `km` of fibre at 2/3 c, ms. */
export function fibreLatencyMs(km: number): number {
  return km / FIBRE_KM_PER_MS;
}

/** One-way propagation latency between two positions along the great circle at 2/3 c, ms. */
export function greatCircleLatencyMs(a: LatLon, b: LatLon): number {
  return fibreLatencyMs(greatCircleKm(a, b));
}
