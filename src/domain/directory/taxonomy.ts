/**
 * Lantern's taxonomy of service categories, as stored by migration 016 (ids fixed there, so feeds
 * and links stay stable). The codes match the kinds of need Lantern records.
 */
export const lanternTaxonomyId = '6c1b3f0e-2f4a-4d8e-9a51-0d7a3c2b1e01';

export const categories = [
  { code: 'parenting', id: '6c1b3f0e-2f4a-4d8e-9a51-0d7a3c2b1a01', name: 'Parenting' },
  { code: 'domestic_abuse', id: '6c1b3f0e-2f4a-4d8e-9a51-0d7a3c2b1a02', name: 'Domestic abuse' },
  { code: 'substance_misuse', id: '6c1b3f0e-2f4a-4d8e-9a51-0d7a3c2b1a03', name: 'Drugs and alcohol' },
  { code: 'mental_health', id: '6c1b3f0e-2f4a-4d8e-9a51-0d7a3c2b1a04', name: 'Mental health and wellbeing' },
  { code: 'debt_housing', id: '6c1b3f0e-2f4a-4d8e-9a51-0d7a3c2b1a05', name: 'Money, debt and housing' },
  { code: 'young_carers', id: '6c1b3f0e-2f4a-4d8e-9a51-0d7a3c2b1a06', name: 'Young carers' },
  { code: 'employment_training', id: '6c1b3f0e-2f4a-4d8e-9a51-0d7a3c2b1a07', name: 'Work and training' },
  { code: 'childcare', id: '6c1b3f0e-2f4a-4d8e-9a51-0d7a3c2b1a08', name: 'Childcare' },
  { code: 'short_breaks', id: '6c1b3f0e-2f4a-4d8e-9a51-0d7a3c2b1a09', name: 'Short breaks for disabled children' },
  { code: 'family_learning', id: '6c1b3f0e-2f4a-4d8e-9a51-0d7a3c2b1a10', name: 'Family learning' },
  { code: 'youth_services', id: '6c1b3f0e-2f4a-4d8e-9a51-0d7a3c2b1a11', name: 'Youth services' },
  { code: 'health_visiting', id: '6c1b3f0e-2f4a-4d8e-9a51-0d7a3c2b1a12', name: 'Health visiting' },
] as const;

export type CategoryCode = (typeof categories)[number]['code'];

export const categoryCodes = categories.map((c) => c.code) as CategoryCode[];

export function categoryByCode(code: string) {
  return categories.find((c) => c.code === code) ?? null;
}
