/**
 * People grouped into households from what the extracts say: the same address at the same
 * time, and the people named in one event (the victim, perpetrator and children present at one
 * police incident). Pure: the caller gives each linked person's records.
 */

export interface HouseholdRecord {
  postcode: string | null;
  address: string | null;
  eventDate: string;
  /** Source and the group reference, e.g. 'police-da:INC-1', or null. */
  group: string | null;
}

export interface PersonForHousehold {
  personId: string;
  records: readonly HouseholdRecord[];
}

export interface Household {
  /** The smallest member person id: the same members give the same id on every run. */
  householdId: string;
  personIds: string[];
  postcode: string | null;
  address: string | null;
}

export interface HouseholdOptions {
  /** Records at one address this many days apart or closer count as living there at the same time. */
  sameTimeDays?: number;
  /** An address with more different people than this is communal (a hostel, a refuge): it joins nobody. */
  communalAbove?: number;
}

export function addressKey(postcode: string | null, address: string | null): string | null {
  if (!postcode || !address) return null;
  const line = address.toLowerCase().replace(/[^a-z0-9 ]+/g, ' ').replace(/\b(flat|apartment)\b/g, 'flat').replace(/\s+/g, ' ').trim();
  return line ? `${postcode.replace(/\s+/g, '').toUpperCase()}|${line}` : null;
}

function days(iso: string): number {
  return Date.parse(`${iso}T00:00:00Z`) / 86_400_000;
}

export function groupHouseholds(people: readonly PersonForHousehold[], options: HouseholdOptions = {}): Household[] {
  const steps = householdSteps(people, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** People a step of householdSteps works through before it pauses. */
const stepSize = 10_000;

/**
 * groupHouseholds in steps: it pauses (yields) every few thousand people, so a caller that also
 * answers pages (the matching job, a million records) can let them through between steps.
 */
export function* householdSteps(people: readonly PersonForHousehold[], options: HouseholdOptions = {}): Generator<void, Household[]> {
  const window = options.sameTimeDays ?? 365;
  const communal = options.communalAbove ?? 12;
  const parent = people.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  const union = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };

  const atAddress = new Map<string, { person: number; day: number }[]>();
  const inGroup = new Map<string, number[]>();
  // Addresses and dates repeat from record to record (a household's members share them): each is worked
  // out once. A missing postcode or address and an empty one share a key: addressKey treats them alike.
  const keys = new Map<string, string | null>();
  const dayOf = new Map<string, number>();
  for (let i = 0; i < people.length; i += 1) {
    if (i % stepSize === stepSize - 1) yield;
    for (const r of people[i].records) {
      const at = `${r.postcode ?? ''}\u0000${r.address ?? ''}`;
      let key = keys.get(at);
      if (key === undefined) keys.set(at, (key = addressKey(r.postcode, r.address)));
      if (key) {
        let day = dayOf.get(r.eventDate);
        if (day === undefined) dayOf.set(r.eventDate, (day = days(r.eventDate)));
        const list = atAddress.get(key) ?? [];
        list.push({ person: i, day });
        atAddress.set(key, list);
      }
      if (r.group) {
        const list = inGroup.get(r.group) ?? [];
        list.push(i);
        inGroup.set(r.group, list);
      }
    }
  }
  let seen = 0;
  for (const list of atAddress.values()) {
    if ((seen += 1) % stepSize === 0) yield;
    if (new Set(list.map((x) => x.person)).size > communal) continue;
    list.sort((a, b) => a.day - b.day);
    for (let k = 1; k < list.length; k += 1) if (list[k].day - list[k - 1].day <= window) union(list[k].person, list[k - 1].person);
  }
  for (const list of inGroup.values()) for (let k = 1; k < list.length; k += 1) union(list[k], list[0]);

  yield;
  const groups = new Map<number, number[]>();
  for (let i = 0; i < people.length; i += 1) {
    if (i % stepSize === stepSize - 1) yield;
    const root = find(i);
    const g = groups.get(root) ?? [];
    g.push(i);
    groups.set(root, g);
  }
  const households: Household[] = [];
  for (const members of groups.values()) {
    if (households.length % stepSize === stepSize - 1) yield;
    // The household's address: the latest address any member was recorded at.
    let latest: HouseholdRecord | null = null;
    for (const m of members) for (const r of people[m].records) if (r.postcode && (!latest || r.eventDate > latest.eventDate)) latest = r;
    const personIds = members.map((m) => people[m].personId).sort();
    households.push({ householdId: personIds[0], personIds, postcode: latest?.postcode ?? null, address: latest?.address ?? null });
  }
  return households.sort((a, b) => (a.householdId < b.householdId ? -1 : 1));
}
