/** Distances on the Earth's surface, and the box that bounds a circle, for indexed distance search. */
import { noun } from '../plural.ts';

const earthRadiusMetres = 6_371_008.8;
export const metresPerMile = 1609.344;

const radians = (degrees: number) => (degrees * Math.PI) / 180;

export interface Point { latitude: number; longitude: number }

/** Great-circle distance in metres (haversine). */
export function haversineMetres(a: Point, b: Point): number {
  const dLat = radians(b.latitude - a.latitude);
  const dLon = radians(b.longitude - a.longitude);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(radians(a.latitude)) * Math.cos(radians(b.latitude)) * Math.sin(dLon / 2) ** 2;
  return 2 * earthRadiusMetres * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * The latitude and longitude limits of every point within `metres` of the centre: a range scan on
 * the indexed columns finds the candidates, and haversine then keeps those truly inside the circle.
 */
export function boundingBox(centre: Point, metres: number) {
  const dLat = (metres / earthRadiusMetres) * (180 / Math.PI);
  // Longitude degrees shrink towards the poles; the widest point of the circle is at its polar edge.
  const edgeLatitude = Math.min(89.9, Math.abs(centre.latitude) + dLat);
  const dLon = dLat / Math.cos(radians(edgeLatitude));
  return {
    minLatitude: centre.latitude - dLat, maxLatitude: centre.latitude + dLat,
    minLongitude: centre.longitude - dLon, maxLongitude: centre.longitude + dLon,
  };
}

/** Miles to one decimal place, as a family reads a distance ("1.4 miles"). */
export function milesText(metres: number): string {
  const miles = Math.round((metres / metresPerMile) * 10) / 10;
  return `${miles.toFixed(1)} ${noun(miles, 'mile')}`;
}

const fullPostcode = /^([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})$/;

/** A full UK postcode in its usual form ('NV1 5SE'), or null when the text is not one. */
export function normalisePostcode(text: string): string | null {
  const match = fullPostcode.exec(text.trim().toUpperCase().replace(/\s+/g, ' '));
  return match ? `${match[1]} ${match[2]}` : null;
}

/** The key a postcode is stored under: capitals, no spaces. */
export const postcodeKey = (postcode: string) => postcode.toUpperCase().replace(/[^A-Z0-9]/g, '');

/** The outward code (postcode district) of a normalised postcode: 'NV1 5SE' -> 'NV1'. */
export const postcodeDistrict = (postcode: string) => postcode.split(' ')[0];
