/**
 * Why the engine misses true pairs and makes false links on labelled data: each missed pair
 * (one person, two clusters) and each false pair (two people, one cluster) is put in a category
 * by its comparison levels, and the commonest categories are printed with a sample of pairs.
 *
 *   npx tsx bench/linkage-misses.ts [--set "FEBRL dataset3"] [--samples 3] [--top 12]
 *   npx tsx bench/linkage-misses.ts --generated 20000
 *   npx tsx bench/linkage-misses.ts --coarse            # categories by first name and date of birth only
 *
 * Categories: "not blocked" (no blocking rule puts the pair in one block), "below link" with the
 * levels of each field (the pair was compared and weighed too little), "linked" for false pairs
 * scored at or above the link threshold, and "chained" for false pairs that meet only through
 * other links (clustering joins records no pair links directly).
 */
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { link, explain } from '../src/domain/linkage/index.ts';
import { buildFeatures } from '../src/domain/linkage/features.ts';
import { cappedKeys, rulesFor } from '../src/domain/linkage/blocking.ts';
import { generateRecords } from '../src/domain/linkage/synthetic.ts';
import type { PersonRecord } from '../src/domain/linkage/types.ts';
import { pairwise, publicSets, type Labelled } from './linkage-data.ts';

const { values } = parseArgs({
  options: {
    set: { type: 'string' },
    samples: { type: 'string', default: '3' },
    top: { type: 'string', default: '12' },
    generated: { type: 'string' },
    // group by the first-name and date-of-birth levels only
    coarse: { type: 'boolean', default: false },
    data: { type: 'string', default: fileURLToPath(new URL('./data/linkage', import.meta.url)) },
  },
});

const show = (r: PersonRecord) =>
  [r.firstName, r.middleName, r.lastName, r.dateOfBirth, r.sex, r.postcode, r.address, r.email, r.identifiers ? Object.values(r.identifiers).join('/') : null].map((v) => v ?? '·').join(' | ');

function analyse(name: string, { records, truth }: Labelled): void {
  const result = link(records);
  const accuracy = pairwise(result.clusterOf, truth);
  const f = buildFeatures(records);
  const { keys } = cappedKeys(f, rulesFor(f));
  const blocked = (i: number, j: number) => keys.some((k) => k[i] >= 0 && k[i] === k[j]);
  const linked = new Set<number>();
  const n = records.length;
  for (const p of result.pairs) if (p.decision === 'link') linked.add(p.left * n + p.right);

  const categories = new Map<string, { count: number; samples: string[] }>();
  const add = (kind: string, i: number, j: number, pairs: number) => {
    const e = explain(result.model, records[i], records[j]);
    const signature = e.fields.filter((x) => x.level !== 'missing' && (!values.coarse || x.field === 'firstName' || x.field === 'dateOfBirth')).map((x) => `${x.field}:${x.level}`).join(', ');
    const category = kind === 'missed' ? (blocked(i, j) ? `missed, below link: ${signature}` : `missed, not blocked: ${signature}`) : linked.has(Math.min(i, j) * n + Math.max(i, j)) ? `false, linked: ${signature}` : 'false, chained through other links';
    const c = categories.get(category) ?? { count: 0, samples: [] };
    c.count += pairs;
    if (c.samples.length < Number(values.samples))
      c.samples.push(`    weight ${e.weight.toFixed(1)}: ${show(records[i])}\n${' '.repeat(16)}${show(records[j])}\n${' '.repeat(16)}${e.fields.filter((x) => x.level !== 'missing').map((x) => `${x.field} ${x.weight.toFixed(1)}`).join(', ')}`);
    categories.set(category, c);
  };
  // missed: records of one person in different clusters (one representative pair per two clusters, weighted by the pairs it stands for)
  const byPerson = new Map<number, number[]>();
  for (let i = 0; i < n; i++) (byPerson.get(truth[i]) ?? byPerson.set(truth[i], []).get(truth[i])!).push(i);
  for (const members of byPerson.values())
    for (let x = 0; x < members.length; x++)
      for (let y = x + 1; y < members.length; y++) {
        const i = members[x];
        const j = members[y];
        if (result.clusterOf[i] !== result.clusterOf[j]) add('missed', i, j, 1);
      }
  const byCluster = new Map<number, number[]>();
  for (let i = 0; i < n; i++) (byCluster.get(result.clusterOf[i]) ?? byCluster.set(result.clusterOf[i], []).get(result.clusterOf[i])!).push(i);
  for (const members of byCluster.values())
    for (let x = 0; x < members.length; x++)
      for (let y = x + 1; y < members.length; y++) {
        const i = members[x];
        const j = members[y];
        if (truth[i] !== truth[j]) add('false', i, j, 1);
      }
  console.log(`\n## ${name}: precision ${accuracy.precision.toFixed(4)}, recall ${accuracy.recall.toFixed(4)}, F1 ${accuracy.f1.toFixed(4)}; ${accuracy.truePairs} true pairs`);
  const sorted = [...categories.entries()].sort((a, b) => b[1].count - a[1].count).slice(0, Number(values.top));
  for (const [category, c] of sorted) {
    console.log(`${String(c.count).padStart(5)}  ${category}`);
    for (const s of c.samples) console.log(s);
  }
}

if (values.generated) {
  const g = generateRecords({ records: Number(values.generated), seed: 42 });
  analyse(`generated ${values.generated}`, { records: g.records, truth: Int32Array.from(g.personOf) });
} else {
  for (const [name, load] of publicSets(values.data)) if (!values.set || name === values.set) analyse(name, load());
}
