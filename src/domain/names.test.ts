import { describe, it, expect } from 'vitest';
import {
  givenNameForms, jaroWinkler, levenshtein, looksLikePostcode, nameScore, nameWithAgency, nicknameGroups, normaliseName,
  parseDateQuery, parseSearchQuery, personSearchKeys, postcodeKey, searchKeyGroups, soundex,
} from './names.ts';

/** What the SQL does: the person's keys overlap every group. */
function finds(query: string, given: string, surname: string): boolean {
  const keys = new Set(personSearchKeys(given, surname));
  const groups = searchKeyGroups(query);
  return groups.length > 0 && groups.every((g) => g.some((k) => keys.has(k)));
}

describe('normaliseName', () => {
  it('lower-cases, strips accents and collapses spaces', () => {
    expect(normaliseName('  Zoë   BRONTË ')).toBe('zoe bronte');
    expect(normaliseName('Siobhán Ó Súilleabháin')).toBe('siobhan o suilleabhain');
    expect(normaliseName('Łukasz Øster Straße')).toBe('lukasz oster strasse');
  });

  it('joins across hyphens and apostrophes', () => {
    expect(normaliseName("O'Brien")).toBe('obrien');
    expect(normaliseName('O’Brien')).toBe('obrien');
    expect(normaliseName('Smith-Jones')).toBe('smithjones');
  });

  it('keeps letters only', () => {
    expect(normaliseName('Smith, J. (Jnr) 2')).toBe('smith j jnr');
    expect(normaliseName('')).toBe('');
    expect(normaliseName('123 -')).toBe('');
  });
});

describe('soundex', () => {
  it('matches the reference codes', () => {
    expect(soundex('Smith')).toBe('S530');
    expect(soundex('Smyth')).toBe('S530');
    expect(soundex('Robert')).toBe('R163');
    expect(soundex('Rupert')).toBe('R163');
    expect(soundex('Tymczak')).toBe('T522');
    expect(soundex('Pfister')).toBe('P236');
    expect(soundex('Honeyman')).toBe('H555');
    expect(soundex('Lee')).toBe('L000');
  });

  it('does not let H or W separate equal codes, but vowels do', () => {
    expect(soundex('Ashcraft')).toBe('A261');
    expect(soundex('Tymczak')).toBe('T522');
  });

  it('works on the normalised name and gives empty for no letters', () => {
    expect(soundex("O'Brien")).toBe(soundex('obrien'));
    expect(soundex('Émile')).toBe(soundex('Emile'));
    expect(soundex('')).toBe('');
    expect(soundex('42')).toBe('');
  });
});

describe('jaroWinkler', () => {
  it('matches the reference values', () => {
    expect(jaroWinkler('MARTHA', 'MARHTA')).toBeCloseTo(0.961, 3);
    expect(jaroWinkler('DWAYNE', 'DUANE')).toBeCloseTo(0.84, 3);
    expect(jaroWinkler('DIXON', 'DICKSONX')).toBeCloseTo(0.813, 3);
  });

  it('is 1 for equal strings, 0 with nothing in common, and symmetric', () => {
    expect(jaroWinkler('smith', 'smith')).toBe(1);
    expect(jaroWinkler('', '')).toBe(1);
    expect(jaroWinkler('abc', '')).toBe(0);
    expect(jaroWinkler('abc', 'xyz')).toBe(0);
    expect(jaroWinkler('dixon', 'dicksonx')).toBeCloseTo(jaroWinkler('dicksonx', 'dixon'), 12);
  });
});

describe('levenshtein', () => {
  it('counts edits', () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('flaw', 'lawn')).toBe(2);
    expect(levenshtein('', 'abc')).toBe(3);
    expect(levenshtein('abc', '')).toBe(3);
    expect(levenshtein('smith', 'smith')).toBe(0);
    expect(levenshtein('smith', 'smyth')).toBe(1);
  });
});

describe('nickname table', () => {
  it('has a few hundred groups of normalised single names', () => {
    expect(nicknameGroups.length).toBeGreaterThanOrEqual(250);
    for (const { formal, short } of nicknameGroups) {
      expect(formal.length).toBeGreaterThan(0);
      for (const n of [...formal, ...short]) expect(n).toMatch(/^[a-z]+$/);
    }
  });
});

describe('givenNameForms', () => {
  const sorted = (given: string) => [...givenNameForms(given)].sort();

  it('maps diminutives to every formal name they may stand for', () => {
    expect(sorted('Jon')).toEqual(['john', 'jon', 'jonathan']);
    expect(sorted('Bill')).toEqual(['bill', 'william']);
    expect(givenNameForms('Chris')).toEqual(expect.arrayContaining(['chris', 'christopher', 'christine', 'christina']));
    expect(givenNameForms('sam')).toEqual(expect.arrayContaining(['samuel', 'samantha']));
    expect(givenNameForms('Liz')).toContain('elizabeth');
    expect(givenNameForms('Peggy')).toContain('margaret');
    expect(givenNameForms('Bobby')).toContain('robert');
    expect(givenNameForms('Tony')).toContain('anthony');
    expect(givenNameForms('Becky')).toContain('rebecca');
  });

  it('leaves a formal name alone unless it has other spellings', () => {
    expect(givenNameForms('Jonathan')).toEqual(['jonathan']);
    expect(sorted('Catherine')).toEqual(['catharine', 'catherine', 'katharine', 'katherine', 'kathryn']);
    expect(givenNameForms('Kate')).toEqual(expect.arrayContaining(['kate', 'katherine', 'catherine', 'kathryn']));
  });

  it('returns unknown names as themselves, deduplicated', () => {
    expect(givenNameForms('Xanthe')).toEqual(['xanthe']);
    const forms = givenNameForms('Jonny');
    expect(new Set(forms).size).toBe(forms.length);
  });
});

describe('personSearchKeys', () => {
  it('keys the formal forms, Soundex and normalised surname', () => {
    expect(personSearchKeys('Jonathan', 'Smith').sort()).toEqual(['g:jonathan', 'gs:J535', 'i:j', 's:S530', 'sn:smith']);
    expect(personSearchKeys('Bill', 'Jones')).toEqual(expect.arrayContaining(['g:bill', 'g:william', 'gs:B400']));
  });

  it('keys double-barrelled and multi-word names whole and by part, skipping particles', () => {
    const keys = personSearchKeys('Jean-Paul', 'Smith-Jones');
    expect(keys).toEqual(expect.arrayContaining(['g:jeanpaul', 'g:jean', 'g:paul', 'sn:smithjones', 's:S532', 'sn:smith', 's:S530', 'sn:jones', 's:J520']));
    const cruz = personSearchKeys('Ana', 'de la Cruz');
    expect(cruz).toEqual(expect.arrayContaining(['sn:delacruz', 'sn:cruz']));
    expect(cruz).not.toContain('sn:de');
    expect(cruz).not.toContain('sn:la');
  });

  it('has no duplicates and tolerates missing names', () => {
    const keys = personSearchKeys('Mary Mary', "O'Brien");
    expect(new Set(keys).size).toBe(keys.length);
    expect(personSearchKeys('', '')).toEqual([]);
    expect(personSearchKeys('Иван', 'Петров')).toEqual(expect.arrayContaining(['g:иван', 'sn:петров']));
  });
});

describe('searchKeyGroups', () => {
  it('gives a given-name group and a surname group for two words', () => {
    const [given, surname] = searchKeyGroups('Jon Smyth');
    expect([...given].sort()).toEqual(['g:john', 'g:jon', 'g:jonathan', 'gs:J500']);
    expect(surname).toEqual(['s:S530']);
  });

  it('finds people by nickname, spelling and typo', () => {
    expect(finds('Jon Smyth', 'Jonathan', 'Smith')).toBe(true);
    expect(finds('Bill Jones', 'William', 'Jones')).toBe(true);
    expect(finds('Will Jones', 'Bill', 'Jones')).toBe(true);
    expect(finds('Katherine Smith', 'Catherine', 'Smith')).toBe(true);
    expect(finds('Jonathn Smiht', 'Jonathan', 'Smith')).toBe(true);
    expect(finds("Sean O'Brien", 'Shaun', 'OBrien')).toBe(true);
  });

  it('does not find people whose given name or surname differs', () => {
    expect(finds('Jon Smyth', 'Mary', 'Smith')).toBe(false);
    expect(finds('Jon Smyth', 'Jonathan', 'Brown')).toBe(false);
    expect(finds('Samuel Smith', 'Samantha', 'Smith')).toBe(false);
  });

  it('matches a single word as either name', () => {
    expect(searchKeyGroups('Smyth')).toHaveLength(1);
    expect(finds('Smyth', 'John', 'Smith')).toBe(true);
    expect(finds('Bill', 'William', 'Jones')).toBe(true);
    expect(finds('Smyth', 'John', 'Brown')).toBe(false);
  });

  it('finds double-barrelled surnames by either part', () => {
    expect(finds('Jon Jones', 'Jon', 'Smith-Jones')).toBe(true);
    expect(finds('Jon Smith Jones', 'Jon', 'Smith-Jones')).toBe(true);
    expect(finds('Jon Smith-Jones', 'Jon', 'Smith')).toBe(true);
  });

  it('reads "Surname, Given" and initials', () => {
    expect(searchKeyGroups('Smyth, Jon')).toEqual(searchKeyGroups('Jon Smyth'));
    expect(finds('J Smith', 'Jonathan', 'Smith')).toBe(true);
    expect(finds('J Smith', 'Mary', 'Smith')).toBe(false);
  });

  it('ignores dates and postcodes, and returns [] with no name words', () => {
    expect(searchKeyGroups('Jon Smyth 31/01/2015 NE1 4ST')).toEqual(searchKeyGroups('Jon Smyth'));
    expect(searchKeyGroups('Jon 31 Jan 2015 Smyth')).toEqual(searchKeyGroups('Jon Smyth'));
    expect(searchKeyGroups('')).toEqual([]);
    expect(searchKeyGroups('  , ')).toEqual([]);
    expect(searchKeyGroups('31/01/2015')).toEqual([]);
    expect(searchKeyGroups('SW1A 1AA')).toEqual([]);
  });
});

describe('parseSearchQuery', () => {
  it('splits out the name, date and postcode', () => {
    expect(parseSearchQuery('Jon Smith 31 January 2015 ne1 4st')).toEqual({
      given: 'jon', surname: 'smith', date: '2015-01-31', postcode: { key: 'NE14ST', full: true },
    });
    expect(parseSearchQuery('Smith-Jones, Mary Ann NE1')).toEqual({
      given: 'mary ann', surname: 'smith jones', postcode: { key: 'NE1', full: false },
    });
    expect(parseSearchQuery('Smith')).toEqual({ surname: 'smith' });
    expect(parseSearchQuery('')).toEqual({});
  });
});

describe('nameScore', () => {
  it('ranks exact above nickname above typo and sound-alike', () => {
    const score = (given: string, surname: string) => nameScore('Jon', 'Smith', given, surname);
    expect(score('Jon', 'Smith')).toBe(1);
    expect(score('JON', 'smith')).toBe(1);
    expect(score('Jonathan', 'Smith')).toBeCloseTo(0.975, 3);
    expect(score('Jonathan', 'Smith')).toBeGreaterThan(score('Joan', 'Smith'));
    expect(score('Jon', 'Smyth')).toBeGreaterThan(score('Jon', 'Brown'));
    expect(score('John', 'Smith')).toBeGreaterThan(score('Jon', 'Smyth'));
    expect(score('Mary', 'Brown')).toBeLessThan(0.5);
  });

  it('scores a nickname about 0.95 per name, whichever way round', () => {
    expect(nameScore('Bill', 'Jones', 'William', 'Jones')).toBeCloseTo(0.975, 3);
    expect(nameScore('William', 'Jones', 'Bill', 'Jones')).toBeCloseTo(0.975, 3);
    expect(nameScore('Katherine', 'Jones', 'Cathy', 'Jones')).toBeCloseTo(0.975, 3);
  });

  it('scores a single word against either name and stays in [0, 1]', () => {
    expect(nameScore(undefined, 'Smith', 'John', 'Smith')).toBe(1);
    expect(nameScore(undefined, 'John', 'John', 'Smith')).toBe(1);
    expect(nameScore(undefined, 'Smyth', 'John', 'Smith')).toBeGreaterThan(nameScore(undefined, 'Smyth', 'John', 'Brown'));
    for (const [g, s] of [['', ''], ['Jo', 'X'], ['Zoë', 'Smith-Jones']]) {
      const v = nameScore('Jon', 'Smith', g, s);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
  });

  it('prefers a whole-name match to a match on one part', () => {
    expect(nameScore('Jon', 'Smith', 'Jon', 'Smith')).toBeGreaterThan(nameScore('Jon', 'Smith', 'Jon', 'Smith-Jones'));
    expect(nameScore('Jon', 'Smith', 'Jon', 'Smith-Jones')).toBeGreaterThan(nameScore('Jon', 'Smith', 'Jon', 'Smyth'));
  });
});

describe('postcodes', () => {
  it('keys postcodes upper case without spaces', () => {
    expect(postcodeKey('ne1 4st')).toBe('NE14ST');
    expect(postcodeKey(' SW1A  1AA ')).toBe('SW1A1AA');
  });

  it('recognises full postcodes and outward codes', () => {
    for (const p of ['NE1', 'SW1A', 'W1', 'M60', 'ne1 4st', 'SW1A 1AA', 'SW1A1AA', 'EC1A 1BB', ' B33 8TH ']) {
      expect(looksLikePostcode(p), p).toBe(true);
    }
    for (const p of ['', 'Smith', 'NE', '1AA', 'NE1 4', 'SW1A 1A', 'NE1 4ST X', '31/01/2015', 'ABC1']) {
      expect(looksLikePostcode(p), p).toBe(false);
    }
  });
});

describe('parseDateQuery', () => {
  it('reads day-first, ISO and month-name dates', () => {
    expect(parseDateQuery('31/01/2015')).toBe('2015-01-31');
    expect(parseDateQuery('31-1-2015')).toBe('2015-01-31');
    expect(parseDateQuery('31.01.2015')).toBe('2015-01-31');
    expect(parseDateQuery('2015-01-31')).toBe('2015-01-31');
    expect(parseDateQuery('31 Jan 2015')).toBe('2015-01-31');
    expect(parseDateQuery(' 31 January 2015 ')).toBe('2015-01-31');
    expect(parseDateQuery('1st Sept 2015')).toBe('2015-09-01');
    expect(parseDateQuery('3/4/2015')).toBe('2015-04-03');
  });

  it('accepts 29 February only in leap years', () => {
    expect(parseDateQuery('29/02/2016')).toBe('2016-02-29');
    expect(parseDateQuery('29/02/2000')).toBe('2000-02-29');
    expect(parseDateQuery('29/02/2015')).toBeNull();
    expect(parseDateQuery('29/02/1900')).toBeNull();
  });

  it('returns null for dates that do not exist or are not dates', () => {
    for (const s of ['31/02/2015', '31/04/2015', '00/01/2015', '01/13/2015', '2015-13-01', '32 Jan 2015', '31 Jnx 2015', '31/01/15', 'Smith', '']) {
      expect(parseDateQuery(s), s).toBeNull();
    }
  });
});

describe('nameWithAgency', () => {
  it('puts the agency after the name', () => {
    expect(nameWithAgency('Tom Gallagher', 'Northvale Police')).toBe('Tom Gallagher, Northvale Police');
    expect(nameWithAgency('Tom Gallagher', 'Northvale Police', 'brackets')).toBe('Tom Gallagher (Northvale Police)');
  });

  it('does not repeat an agency that is the name', () => {
    expect(nameWithAgency('Northvale Homes', 'Northvale Homes')).toBe('Northvale Homes');
    expect(nameWithAgency('Northvale homes ', 'NORTHVALE HOMES')).toBe('Northvale homes');
    expect(nameWithAgency('Northvale Children’s Services', "Northvale Children's Services", 'brackets')).toBe('Northvale Children’s Services');
  });

  it('leaves out a missing agency, and gives the agency when there is no name', () => {
    expect(nameWithAgency('Ewa Novak', '')).toBe('Ewa Novak');
    expect(nameWithAgency('Ewa Novak', null)).toBe('Ewa Novak');
    expect(nameWithAgency('', 'Northvale Police')).toBe('Northvale Police');
  });
});
