/**
 * Name matching for finding people: normalisation, phonetic and edit-distance measures, a
 * nickname table, the search keys stored on each person row, and UK postcode and date parsing.
 *
 * Search contract: each person row stores `personSearchKeys(given, family)` in a text[] column
 * with a GIN index; `searchKeyGroups(query)` returns groups of keys, and a person matches when
 * their keys overlap every group. The keys are deliberately loose (nicknames, Soundex) so
 * typos and informal names still find the person; `nameScore` then ranks the candidates.
 */

// Hyphens and apostrophes join rather than split: "O'Brien" and "OBrien", "Smith-Jones" and
// "SmithJones" are recorded both ways in practice. Search keys still index each part of a
// double-barrelled name separately (see personSearchKeys).
const PLAIN = /^[a-z]+(?: [a-z]+)*$/;
const FOLD: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i' };

function clean(s: string, hyphen: '' | ' '): string {
  const lower = s.toLowerCase();
  if (PLAIN.test(lower)) return lower; // the common case when indexing hundreds of thousands of rows
  return lower
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[ßæœøłđðþı]/g, (c) => FOLD[c] ?? c) // letters NFD does not decompose
    .replace(/['’‘`ʼ]/g, '')
    .replace(/[-‐‑‒–—]/g, hyphen)
    .replace(/[^\p{L}]+/gu, ' ')
    .trim();
}

/** Lower case, accents stripped, letters only, single spaces between words; hyphens and apostrophes join ("Smith-Jones" → "smithjones"). */
export function normaliseName(s: string): string {
  return clean(s, '');
}

// Particles are too common to be useful keys on their own; the joined name still keys them.
const PARTICLES = new Set(['de', 'da', 'di', 'du', 'del', 'della', 'der', 'den', 'des', 'dos', 'das', 'van', 'von', 'la', 'le', 'al', 'el', 'bin', 'ibn', 'bint']);

/** The joined name first, then each meaningful part when there are several ("smith jones" → smithjones, smith, jones). */
function variants(spaced: string, skipParticles: boolean): string[] {
  const parts = spaced.split(' ').filter(Boolean);
  if (parts.length < 2) return parts;
  const useful = parts.filter((p) => p.length > 1 && !(skipParticles && PARTICLES.has(p)));
  return [parts.join(''), ...useful];
}

const CODES = '01230120022455012623010202'; // a..z; 0 = not coded

function soundexOf(n: string): string {
  let out = '';
  let last = '';
  for (let i = 0; i < n.length && out.length < 4; i++) {
    const c = n.charCodeAt(i) - 97;
    if (c < 0 || c > 25) continue;
    const code = CODES[c];
    if (!out) out = n[i].toUpperCase();
    else if (code === '0') {
      if (c !== 7 && c !== 22) last = ''; // vowels separate equal codes; H and W do not
      continue;
    } else if (code !== last) out += code;
    last = code;
  }
  return out && out.padEnd(4, '0');
}

/** American Soundex (with the H/W rule) of the normalised name; '' when it has no letters a–z. */
export function soundex(s: string): string {
  return soundexOf(normaliseName(s));
}

// Scratch buffers for Jaro–Winkler: names and streets are short, so one pair of buffers serves
// every call and the hot loop allocates nothing. Longer strings fall back to fresh buffers.
let hitA = new Uint8Array(128);
let hitB = new Uint8Array(128);

/**
 * Jaro–Winkler similarity in [0, 1]: prefix scale 0.1 up to 4 characters, applied when Jaro exceeds 0.7
 * (Winkler's threshold). Allocation-free: record linkage calls it once per compared pair.
 */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return 1;
  const la = a.length;
  const lb = b.length;
  if (!la || !lb) return 0;
  if (la > hitA.length || lb > hitB.length) {
    hitA = new Uint8Array(Math.max(la, lb) * 2);
    hitB = new Uint8Array(Math.max(la, lb) * 2);
  }
  const window = Math.max(0, (Math.max(la, lb) >> 1) - 1);
  hitA.fill(0, 0, la);
  hitB.fill(0, 0, lb);
  let m = 0;
  for (let i = 0; i < la; i++) {
    const ca = a.charCodeAt(i);
    const hi = Math.min(lb - 1, i + window);
    for (let j = i > window ? i - window : 0; j <= hi; j++) {
      if (hitB[j] === 0 && b.charCodeAt(j) === ca) {
        hitA[i] = 1;
        hitB[j] = 1;
        m++;
        break;
      }
    }
  }
  if (m === 0) return 0;
  let t = 0;
  for (let i = 0, j = 0; i < la; i++) {
    if (hitA[i] === 0) continue;
    while (hitB[j] === 0) j++;
    if (a.charCodeAt(i) !== b.charCodeAt(j++)) t++;
  }
  const jaro = (m / la + m / lb + (m - t / 2) / m) / 3;
  if (jaro <= 0.7) return jaro;
  let l = 0;
  while (l < 4 && l < la && l < lb && a.charCodeAt(l) === b.charCodeAt(l)) l++;
  return jaro + l * 0.1 * (1 - jaro);
}

/** Edit distance (insertions, deletions, substitutions) between two strings. */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length < b.length) [a, b] = [b, a];
  const n = b.length;
  if (!n) return a.length;
  let prev = new Uint32Array(n + 1);
  let cur = new Uint32Array(n + 1);
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= n; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca === b.charCodeAt(j - 1) ? 0 : 1));
    }
    [prev, cur] = [cur, prev];
  }
  return prev[n];
}

// "formal spellings: diminutives and variants", groups separated by ';'. A name may appear in
// several groups (chris, sam, alex). Spelling variants of one formal name share a group so that
// Catherine finds Katherine; spellings that Soundex already equates are left to Soundex.
const NICKNAMES = `
william: bill billy will willy willie wills liam; john: jon johnny jonny johnnie jack jackie;
jonathan: jon jonny johnny nathan jonty; robert: rob robbie robby bob bobby bert bertie;
richard: rick ricky rich richie dick dicky; michael: mike mikey mick micky mickey;
thomas: tom tommy thom; james: jim jimmy jimmie jamie jem jas hamish seamus;
anthony antony: tony ant; stephen steven stephan: steve stevie; christopher kristopher: chris kris kit topher;
christian: chris; daniel: dan danny; joseph: joe joey jos; alexander: alex alec alick sandy xander zander lex;
alexandra: alex alexa lexi lexie sandra sandy zandra; andrew: andy drew; matthew: matt matty mat;
david dafydd: dave davey davy dai; edward: ed eddie eddy ted teddy ned; edmund edmond: ed eddie ned;
edwin: ed eddie; benjamin: ben benny benji benjy; benedict: ben benny; samuel: sam sammy;
peter: pete; charles: charlie chas chaz chuck; henry: harry hal hank; harold: harry hal; harrison: harry;
frederick frederic fredrick: fred freddie freddy; alfred: alf alfie fred freddie; wilfred wilfrid: wilf fred;
ferdinand: ferdie fred; francis: frank frankie fran; franklin: frank frankie; george: georgie geordie;
nicholas nicolas: nick nicky nico; patrick: pat paddy patsy; timothy: tim timmy; gregory: greg;
kenneth: ken kenny; lawrence laurence: larry laurie lawrie; leonard: len lenny leo; raymond: ray;
ronald: ron ronnie; donald: don donnie; douglas: doug dougie; gerald: gerry jerry ged; gerard: gerry ged;
jeremy: jerry jez; jerome: jerry; terence terrence: terry tel; philip phillip: phil pip;
nathaniel nathanael: nathan nat nate; nathan: nat nate; oliver: ollie olly; zachary zachariah: zach zack zak;
joshua: josh; josiah: josh; jacob: jake; isaac: ike zac; bernard: bernie barney;
albert: al bert bertie albie; alan allan allen: al; alistair alasdair alastair: ali al; arthur: art artie;
archibald: archie; stanley: stan; sidney sydney: sid; walter: walt wally; wallace: wally; victor: vic;
vincent: vince vinnie; eugene: gene; ernest: ernie; herbert: herb bert bertie; hubert: bert;
cuthbert: bert; gilbert: gil bert; bertram: bert bertie; howard: howie; norman: norm; reginald: reg reggie;
roger: rodge; rodney: rod; roderick: rod roddy; russell: russ; martin: marty; malcolm: mal;
maxwell: max; maximilian: max; montague montgomery: monty; nigel: nige; simon: si;
theodore: theo ted teddy; cameron: cam; callum calum: cal; cornelius: con neil; dominic dominick: dom;
gabriel: gabe gabby; geoffrey jeffrey jeffery: geoff jeff; gordon: gordie; graham graeme grahame;
kevin: kev; leslie lesley: les; lewis louis luis: lou louie; mark marc; mitchell: mitch; oscar: ozzie;
percival: percy; quentin: quin; randolph: randy; reuben: rube; sebastian: seb bastian; solomon: sol;
tobias: toby; vernon: vern; wesley: wes; adrian: ade; abraham: abe abram; augustus: gus; angus: gus;
barnaby barnabas: barney; bartholomew: bart; clifford: cliff; clement: clem; dennis denis: den;
desmond: des; duncan: dunc; fergus: fergie; elijah: eli; bradley: brad; harvey: harv; trevor: trev;
stuart stewart: stu; gary garry: gaz; barry: baz; connor conor: con; declan: dec; ashley: ash;
llewellyn llewelyn: llew; vivian vivien: viv; sean shaun shawn; neil neal niall; rhys reece reese;
carl karl; eric erik; lee leigh; ian iain; kieran ciaran; elliot elliott;
mohammed muhammad mohammad mohamed mohamad muhammed: mo moe;
elizabeth elisabeth: liz lizzie lizzy beth betty bet bess bessie eliza libby elsie lizbeth;
margaret: maggie mags meg peggy peg madge marge margie greta; marjorie margery: marge margie;
katherine catherine kathryn katharine catharine: kate katie kath kathy cathy cath kat kay kitty kit;
kathleen: kath kathy; caitlin kaitlyn katelyn: cait; katrina catriona: kat trina;
rebecca: becky becca becks bex; jessica: jess jessie; samantha: sam sammy sammie;
christine christina kristina kristine: chris chrissie chrissy tina kirsty; deborah debra: debbie deb debs;
victoria: vicky vicki vickie tori; abigail: abbie abby abi gail; susan: sue suzy susie suzie;
susanna susannah suzanne: sue susie suzy; patricia: pat patty patsy trish tricia trisha;
jennifer: jen jenny jennie; josephine: jo josie; joanne joanna johanna: jo; joan: joanie;
barbara: barb babs; dorothy dorothea: dot dottie dotty dolly dora; mary: molly polly mae may;
ann anne anna: annie nan nanny; annabel annabelle: annie bella belle;
helen helena: nell nellie ellie lena; eleanor elinor: ellie nell nellie nora elle; ellen: nell nellie ellie;
caroline carolyn carol carole: carrie caz; charlotte: charlie lottie lotty; amanda: mandy manda;
frances: fran frankie fanny; francesca: fran frankie chessie; gillian jillian: gill jill gilly jilly;
harriet: hattie hatty; henrietta: etta hettie; isabel isabella isobel isabelle: bella belle izzy issy isa;
jacqueline: jackie jacqui jacky; jane: janey jan; janet: jan netty; janice: jan; judith: judy jude;
julia: jules julie; juliet juliette: jules; lucy lucia lucille: lu lulu; louise louisa: lou lulu;
madeleine madeline madelyn: maddy maddie; matilda: tilly tilda mattie; ottilie: tilly;
natalie nathalie: nat tally; nicola nicole nichola: nicky nikki nic; olivia: liv livvy ollie; pamela: pam;
penelope: penny pen; rachel rachael: rach; rosemary: rose rosie; rosalind rosalyn: ros rosie;
sarah sara: sally sal sadie; sophia sophie: soph; stephanie: steph stevie; teresa theresa: tess tessa tessie terri terry;
valerie: val; veronica: ronnie nica; virginia: ginny; winifred: winnie win; gwendolen gwendoline gwendolyn: gwen wendy;
alison allison: ali; alice: allie ally; amelia: millie milly; emily: em emmy millie milly; emma: em emmy;
mildred: millie milly; angela: angie ange; antonia: toni; beatrice beatrix: bea trixie; bernadette: bernie;
bridget brigid: bridie biddy; camilla: millie cammie; cassandra: cassie cass; cecilia cecily: cissy cissie;
claire clare; constance: connie; cynthia: cindy; lucinda: lucy cindy; danielle daniela: dani; diana diane: di;
edith: edie; evelyn eveline: evie eve; eve eva: evie; florence: flo florrie flossie; georgina georgia: georgie gina;
regina: gina; geraldine: gerry geri; grace: gracie; imogen: immy; jemima: jem mima; kimberley kimberly: kim;
laura lauren: laurie lori; lydia: liddy; martha: mattie marty; melanie: mel; melissa: mel missy lissa;
michelle: shelley shell; miriam: mimi; priscilla: cilla; roberta: bobbie robbie; ruth: ruthie;
sandra: sandy sandie; sharon: shaz; shirley: shirl; sylvia silvia: syl; tabitha: tabby; theodora: dora theo;
philippa: pippa pip; wilhelmina: mina willa; yvonne: vonnie; anastasia: stacey stacy; bethany: beth;
brittany: britt; jasmine jasmin yasmin yasmine: jas jaz jazz; gabriella gabrielle: gabby gabi ella;
vanessa: ness nessa; agnes: aggie nessie; adelaide: addie ada; dolores: lola; esther: essie hetty;
maureen: mo; gemma jemma: gem; tracey tracy; kayleigh kayley kaylee; leah lea; lily lilly lillie;
zoe zoey; eileen aileen; pauline paula; lindsay lindsey; kerry kerrie; aisha ayesha; fatima fatimah;
hollie holly; clementine: clem; marian marion; sian shan; kirsty kirstie kirsten: kirst;
carly carley carlie; zara zarah; layla leila laila; nancy: nan; nora norah
`;

// formal spellings of each group a name belongs to (as a formal spelling or a diminutive)
const formalsOf = new Map<string, string[]>();
/** The nickname table: each group's formal spellings and their diminutives and variants, all normalised. */
export const nicknameGroups: readonly { formal: readonly string[]; short: readonly string[] }[] = NICKNAMES.split(';')
  .map((g) => g.trim())
  .filter(Boolean)
  .map((g) => {
    const [f, d = ''] = g.split(':');
    const words = (w: string) => w.split(/\s+/).filter(Boolean);
    return { formal: words(f), short: words(d) };
  });
for (const { formal, short } of nicknameGroups) {
  for (const n of [...formal, ...short]) {
    const list = formalsOf.get(n) ?? [];
    for (const f of formal) if (!list.includes(f)) list.push(f);
    formalsOf.set(n, list);
  }
}

function formsOf(n: string): string[] {
  const formal = formalsOf.get(n);
  return formal ? [n, ...formal.filter((f) => f !== n)] : [n];
}

/** The normalised formal names a given name may stand for, itself included: 'Jon' → jon, john, jonathan; 'Bill' → bill, william. */
export function givenNameForms(given: string): string[] {
  return [...new Set(variants(clean(given, ' '), false).flatMap(formsOf))];
}

function addGivenKeys(spaced: string, keys: Set<string>): void {
  for (const v of variants(spaced, false)) {
    for (const f of formsOf(v)) keys.add(`g:${f}`);
    const sx = soundexOf(v);
    if (sx) keys.add(`gs:${sx}`);
  }
}

/**
 * Keys stored on a person row: g:<formal form of the given name>, gs:<Soundex of the given name>,
 * i:<initial>, s:<Soundex of the surname>, sn:<normalised surname>. Multi-word and hyphenated
 * names are keyed whole (joined, "sn:smithjones") and by each part ("sn:smith", "sn:jones").
 */
export function personSearchKeys(givenName: string, familyName: string): string[] {
  const keys = new Set<string>();
  const given = clean(givenName, ' ');
  if (given) {
    addGivenKeys(given, keys);
    keys.add(`i:${given[0]}`);
  }
  for (const v of variants(clean(familyName, ' '), true)) {
    keys.add(`sn:${v}`);
    const sx = soundexOf(v);
    if (sx) keys.add(`s:${sx}`);
  }
  return [...keys];
}

function givenQueryKeys(spaced: string, keys = new Set<string>()): Set<string> {
  // a lone initial ("J Smith") would match almost no one by name or Soundex
  if (spaced.length === 1) keys.add(`i:${spaced}`);
  else addGivenKeys(spaced, keys);
  return keys;
}

function surnameQueryKeys(spaced: string, keys = new Set<string>()): Set<string> {
  for (const v of variants(spaced, true)) {
    const sx = soundexOf(v);
    keys.add(sx ? `s:${sx}` : `sn:${v}`); // names without a–z letters have no Soundex
  }
  return keys;
}

export interface SearchQuery {
  /** Normalised given name(s); absent for a single name word, which may be either name. */
  given?: string;
  /** Normalised surname, or the single name word typed. Absent when no name words were typed. */
  surname?: string;
  /** A date typed in the query, as 'YYYY-MM-DD'. */
  date?: string;
  /** A postcode typed in the query as postcodeKey() gives it; `full` is false for an outward code alone ("NE1"). */
  postcode?: { key: string; full: boolean };
}

const DATE_IN_TEXT = /\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4}|\d{1,2}(?:st|nd|rd|th)?[\s-]+\p{L}+\.?,?[\s-]+\d{4}/iu;
const FULL_POSTCODE_IN_TEXT = /\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b/i;

/**
 * Splits what was typed in a search box into a name, a date and a postcode. With a comma the name
 * is "Surname, Given"; otherwise the first word is the given name and the rest the surname. Words
 * with digits are never names.
 */
export function parseSearchQuery(query: string): SearchQuery {
  const result: SearchQuery = {};
  let rest = query;
  const typed = DATE_IN_TEXT.exec(rest)?.[0];
  const date = typed && parseDateQuery(typed);
  if (typed && date) {
    result.date = date;
    rest = rest.replace(typed, ' ');
  }
  const pc = FULL_POSTCODE_IN_TEXT.exec(rest);
  if (pc) {
    result.postcode = { key: postcodeKey(pc[0]), full: true };
    rest = rest.replace(pc[0], ' ');
  }
  const words = (s: string) =>
    s.split(/\s+/).filter((w) => {
      if (!/\d/.test(w)) return true;
      if (!result.postcode && looksLikePostcode(w)) result.postcode = { key: postcodeKey(w), full: false };
      return false;
    }).map((w) => clean(w, ' ')).filter(Boolean);
  const comma = rest.indexOf(',');
  const [before, after] = comma < 0 ? [rest, ''] : [rest.slice(0, comma), rest.slice(comma + 1)];
  const surnameWords = words(before);
  const givenWords = words(after);
  if (givenWords.length && surnameWords.length) {
    result.given = givenWords.join(' ');
    result.surname = surnameWords.join(' ');
  } else {
    const all = [...surnameWords, ...givenWords];
    if (all.length === 1) result.surname = all[0];
    else if (all.length > 1) {
      result.given = all[0];
      result.surname = all.slice(1).join(' ');
    }
  }
  return result;
}

/**
 * Key groups for a name search: a person matches when their search keys overlap every group
 * (SQL: `search_keys && $1 AND search_keys && $2 ...`, one text[] parameter per group).
 * "Jon Smyth" gives two groups: the given-name keys (g:jon, g:john, g:jonathan, gs:J500) and the
 * surname keys (s:S530). A single word gives one group matching it as a given name or a surname.
 * Returns [] when the query has no name words (only a date or postcode, say).
 */
export function searchKeyGroups(query: string): string[][] {
  const { given, surname } = parseSearchQuery(query);
  if (!surname) return [];
  if (given === undefined) return [[...surnameQueryKeys(surname, givenQueryKeys(surname))]];
  return [[...givenQueryKeys(given)], [...surnameQueryKeys(surname)]];
}

// Tiers keep the ranking exact > nickname > initial > typo or phonetic, whatever the Jaro–Winkler value.
const NICKNAME = 0.95;
const INITIAL = 0.92;
const SIMILAR = 0.9;
const BY_PART = 0.98; // matched on one part of a multi-word name, not the whole

function sharesForm(a: string, b: string): boolean {
  const fa = formsOf(a);
  return formsOf(b).some((f) => fa.includes(f));
}

function pairScore(a: string, b: string, given: boolean): number {
  if (a === b) return 1;
  if (given && (a.length === 1 || b.length === 1)) return a[0] === b[0] ? INITIAL : 0;
  if (given && sharesForm(a, b)) return NICKNAME;
  return SIMILAR * jaroWinkler(a, b);
}

function nameSimilarity(query: string, person: string, given: boolean): number {
  const qv = variants(clean(query, ' '), !given);
  const pv = variants(clean(person, ' '), !given);
  if (!qv.length || !pv.length) return 0;
  let best = pairScore(qv[0], pv[0], given);
  if (best === 1 || (qv.length === 1 && pv.length === 1)) return best;
  for (const q of qv.length > 1 ? qv.slice(1) : qv) {
    for (const p of pv.length > 1 ? pv.slice(1) : pv) best = Math.max(best, BY_PART * pairScore(q, p, given));
  }
  return best;
}

/**
 * How well a person's name fits the query, in [0, 1], for ranking candidates: 1 for an exact
 * match, 0.95 per name for a nickname, below 0.9 for typos and sound-alikes (Jaro–Winkler).
 * Given and surname weigh equally. Without a query given name the single word typed is scored
 * against both the person's given name and surname, and the better counts.
 */
export function nameScore(queryGiven: string | undefined, querySurname: string, personGiven: string, personSurname: string): number {
  const surname = nameSimilarity(querySurname, personSurname, false);
  if (queryGiven === undefined) return Math.max(surname, nameSimilarity(querySurname, personGiven, true));
  return (nameSimilarity(queryGiven, personGiven, true) + surname) / 2;
}

/** Postcode as stored and compared: upper case, letters and digits only ("ne1 4st" → "NE14ST"). */
export function postcodeKey(s: string): string {
  return s.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/**
 * A full UK postcode ("SW1A 1AA", spaced or not) or an outward code alone ("NE1", "SW1A").
 * To search by outward code compare it with a stored key minus its last three characters:
 * a prefix match on "NE1" would also find NE10–NE13.
 */
/** A whole UK postcode (outward and inward parts), like NV1 4AB: what an address needs. */
export function isFullUkPostcode(s: string): boolean {
  return /^[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}$/.test(s.trim()) && looksLikePostcode(s);
}

export function looksLikePostcode(s: string): boolean {
  return /^[A-Z]{1,2}\d[A-Z\d]?(?:\s*\d[A-Z]{2})?$/.test(s.trim().toUpperCase());
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/**
 * A typed date as 'YYYY-MM-DD': day first (31/01/2015, 31-1-2015, 31.01.2015), ISO (2015-01-31)
 * or with a month name (31 Jan 2015, 31st January 2015). Null unless the date exists. Two-digit
 * years are refused: for dates of birth 15 could be 1915 or 2015.
 */
export function parseDateQuery(s: string): string | null {
  const t = s.trim().toLowerCase();
  let y: number, m: number, d: number;
  let match: RegExpExecArray | null;
  if ((match = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(t))) [y, m, d] = [+match[1], +match[2], +match[3]];
  else if ((match = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/.exec(t))) [d, m, y] = [+match[1], +match[2], +match[3]];
  else if ((match = /^(\d{1,2})(?:st|nd|rd|th)?[\s-]+([a-z]{3,})\.?,?[\s-]+(\d{4})$/.exec(t))) {
    const word = match[2];
    [d, m, y] = [+match[1], MONTHS.findIndex((name) => name.startsWith(word)) + 1, +match[3]];
  } else return null;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
  if (!days || d < 1 || d > days || y < 1000) return null;
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Whether two names say the same, whatever their case, accents, apostrophes and spacing. */
export function sameName(a: string, b: string): boolean {
  return normaliseName(a) === normaliseName(b);
}

/**
 * A person (or team) with their agency, for labels: "Tom Gallagher, Northvale Police". The agency
 * is left out when it is missing or says the same as the name (a referral from "Northvale Homes",
 * of Northvale Homes, reads "Northvale Homes", not "Northvale Homes, Northvale Homes").
 */
export function nameWithAgency(name: string | null | undefined, agency: string | null | undefined, style: 'comma' | 'brackets' = 'comma'): string {
  const n = (name ?? '').trim();
  const a = (agency ?? '').trim();
  if (!a || sameName(n, a)) return n;
  if (!n) return a;
  return style === 'brackets' ? `${n} (${a})` : `${n}, ${a}`;
}
