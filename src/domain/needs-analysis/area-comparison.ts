/**
 * Area comparison: where need concentrates. Each area's share of a count (incidents,
 * referrals, families known ...) against its share of the population, and the count per 1,000
 * people, ranked from highest rate to lowest (Essex: Harlow 1.75, Basildon 1.56, Tendring 1.3,
 * Colchester 1.26 domestic abuse incidents per 1,000 people).
 */

export interface AreaInput {
  area: string;
  count: number;
  /** People living in the area; 0 or less when not known. */
  people: number;
}

export interface AreaComparisonLine extends AreaInput {
  /** The area's count over the total count. */
  countShare: number;
  /** The area's people over the total people; null when its population is not known. */
  populationShare: number | null;
  /** countShare / populationShare: above 1, more than its share. */
  ratio: number | null;
  /** count / people × 1,000. */
  ratePer1000: number | null;
  /** 1 is the highest rate; equal rates share a rank; areas with no population come last, unranked. */
  rank: number | null;
}

export interface AreaComparison {
  totalCount: number;
  totalPeople: number;
  /** The whole area's rate per 1,000, for reference. */
  overallRatePer1000: number | null;
  lines: AreaComparisonLine[];
}

export function compareAreas(inputs: readonly AreaInput[]): AreaComparison {
  const totalCount = inputs.reduce((s, a) => s + a.count, 0);
  const totalPeople = inputs.reduce((s, a) => s + Math.max(0, a.people), 0);
  const lines = inputs.map((a): AreaComparisonLine => {
    const hasPeople = a.people > 0 && totalPeople > 0;
    const countShare = totalCount > 0 ? a.count / totalCount : 0;
    const populationShare = hasPeople ? a.people / totalPeople : null;
    return {
      ...a, countShare, populationShare,
      ratio: populationShare ? countShare / populationShare : null,
      ratePer1000: hasPeople ? (a.count * 1000) / a.people : null,
      rank: null,
    };
  });
  lines.sort((x, y) => {
    if (x.ratePer1000 === null || y.ratePer1000 === null) return x.ratePer1000 === null ? (y.ratePer1000 === null ? x.area.localeCompare(y.area) : 1) : -1;
    return y.ratePer1000 - x.ratePer1000 || x.area.localeCompare(y.area);
  });
  let previous: number | null = null;
  lines.forEach((line, i) => {
    if (line.ratePer1000 === null) return;
    line.rank = previous !== null && line.ratePer1000 === lines[i - 1].ratePer1000 ? previous : i + 1;
    previous = line.rank;
  });
  return { totalCount, totalPeople, overallRatePer1000: totalPeople > 0 ? (totalCount * 1000) / totalPeople : null, lines };
}
