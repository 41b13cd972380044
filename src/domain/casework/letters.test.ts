import { describe, expect, it } from 'vitest';
import { contactTypes } from './intensity.ts';
import {
  blamingWords, blamingWordsIn, familyLetterDraft, formatDayDate, joinNames, letterDocument, letterText, referrerLetterDraft,
  repeatedPassages, splitParagraphs, type LetterFacts,
} from './letters.ts';

const priya = { id: 'u1', name: 'Priya Shah', jobTitle: 'Family support worker', agency: 'Northvale Children’s Services', email: 'priya.shah@northvale.example' };
const sam = { id: 'u2', name: 'Sam Reid', jobTitle: 'Domestic abuse specialist', agency: 'Northvale Children’s Services', email: 'sam.reid@northvale.example' };

const facts = (over: Partial<LetterFacts> = {}): LetterFacts => ({
  familyName: 'Walsh', caseReference: 'CASE-000012', programmeName: 'Early intervention (Families Plus)',
  familyAddress: ['12 Mill Lane', '', 'Riverside', 'NV1 4AB'],
  adults: [{ givenName: 'Kerry', familyName: 'Walsh' }, { givenName: 'Dan', familyName: 'Walsh' }],
  present: ['Kerry', 'Jade'], contactType: 'home_visit', contactDate: '2026-11-23', location: 'Home',
  didTogether: 'We made a plan for school mornings.', progress: 'Jade has been at school every day this week.', nextSteps: '',
  keyWorker: priya, writer: priya, referrer: { name: 'Alex Morgan', agency: 'Riverside Primary School', contact: 'alex.morgan@riverside.example' },
  ...over,
});

describe('letter wording helpers', () => {
  it('writes dates with the day and names as a list', () => {
    expect(formatDayDate('2026-11-23')).toBe('Monday 23 November 2026');
    expect(joinNames(['Kerry'])).toBe('Kerry');
    expect(joinNames(['Kerry', 'Jade'])).toBe('Kerry and Jade');
    expect(joinNames(['Kerry', 'Dan', 'Jade'])).toBe('Kerry, Dan and Jade');
  });

  it('finds blaming words as whole words, in any case, each once', () => {
    expect(blamingWordsIn('Kerry FAILED to attend; she failed again and was non-compliant.')).toEqual(['failed', 'non-compliant']);
    expect(blamingWordsIn('The family refused help and did not engage')).toEqual(['refused', 'did not engage']);
    expect(blamingWordsIn('Jade is flourishing. Nobody failed anyone?')).toEqual(['failed']);
    expect(blamingWordsIn('We talked about the school refusal-free days and a plan')).toEqual([]);
    expect(blamingWordsIn('We agreed a plan. Sam is doing really well.')).toEqual([]);
  });

  it('finds case-note sentences a letter repeats word for word', () => {
    const notes = 'Dan’s brother was arrested on Friday. Neighbour reports shouting.\nKerry is tired.';
    expect(repeatedPassages('Dear Kerry, I heard dan\'s brother was arrested on Friday!', notes)).toEqual(['Dan’s brother was arrested on Friday.']);
    // Short phrases (under four words) are too common to count.
    expect(repeatedPassages('Kerry is tired of the bus.', notes)).toEqual([]);
    expect(repeatedPassages('We talked about mornings.', notes)).toEqual([]);
  });

  it('splits text into paragraphs on blank lines, keeping single line breaks', () => {
    expect(splitParagraphs('One.\nTwo.\n\n\nThree.\r\n\r\n  ')).toEqual([['One.', 'Two.'], ['Three.']]);
  });
});

describe('the family letter draft', () => {
  it('thanks the family, names who was there, and uses what the practitioner wrote for the family', () => {
    const draft = familyLetterDraft(facts());
    expect(draft).toMatchObject({
      recipient: 'family', recipientName: 'Kerry Walsh and Dan Walsh', recipientAddress: '12 Mill Lane\nRiverside\nNV1 4AB',
      salutation: 'Dear Kerry and Dan', subject: 'How things are going', progress: 'Jade has been at school every day this week.',
      signedByName: 'Priya Shah', signedByRole: 'Family support worker', organisation: 'Northvale Children’s Services',
    });
    expect(draft.didTogether).toBe('Thank you for welcoming me to your home on Monday 23 November 2026. It was good to spend time with Kerry and Jade.\n\nWe made a plan for school mornings.');
    // Written to Kerry alone, she is "you", not named to herself.
    expect(familyLetterDraft(facts({ adults: [{ givenName: 'Kerry', familyName: 'Walsh' }] })).didTogether)
      .toMatch(/^Thank you for welcoming me to your home on Monday 23 November 2026\. It was good to spend time with you and Jade\./);
    expect(familyLetterDraft(facts({ adults: [{ givenName: 'Kerry', familyName: 'Walsh' }], present: ['Kerry'] })).didTogether).toMatch(/It was good to spend time with you\./);
    expect(draft.nextSteps).toBe('We will keep working together on the things that matter to your family. I will be in touch to arrange when we next meet.');
    expect(draft.whoToContact).toBe('If you have any questions, or if anything changes, please contact me, Priya Shah, by email at priya.shah@northvale.example. You can also ask to speak to a manager at any time.');
  });

  it('points to the key worker when someone else writes, and fits the words to a call', () => {
    const draft = familyLetterDraft(facts({ writer: sam, contactType: 'phone_call', present: ['Kerry'], nextSteps: 'I will ring on Friday.' }));
    expect(draft.didTogether).toMatch(/^Thank you for talking with me on the phone on Monday 23 November 2026\. It was good to talk with Kerry\./);
    expect(draft.nextSteps).toBe('I will ring on Friday.');
    expect(draft.whoToContact).toContain('please contact your key worker, Priya Shah (Family support worker, Northvale Children’s Services), by email at priya.shah@northvale.example.');
    expect(draft.signedByName).toBe('Sam Reid');
  });

  it('writes to the family by name when no adult is recorded', () => {
    const draft = familyLetterDraft(facts({ adults: [] }));
    expect(draft.salutation).toBe('Dear Walsh family');
    expect(draft.recipientName).toBe('The Walsh family');
  });
});

describe('the referrer letter draft', () => {
  it('thanks the referrer and says what happened in words for a professional, never the words written to the family', () => {
    const draft = referrerLetterDraft(facts());
    expect(draft).toMatchObject({
      recipient: 'referrer', recipientName: 'Alex Morgan', recipientAddress: 'Riverside Primary School\nalex.morgan@riverside.example',
      salutation: 'Dear Alex Morgan', subject: 'Progress update: Walsh family (CASE-000012)',
    });
    expect(draft.didTogether).toBe('Thank you for referring the Walsh family to Early intervention (Families Plus). I am writing to let you know how our work with the family is going.\n\nOn Monday 23 November 2026 I visited the family at home. Kerry and Jade were there.');
    const familyWords = referrerLetterDraft(facts({ didTogether: 'We met at your home.', progress: 'You told me honestly how hard it has been.', nextSteps: 'I will see you on Friday.' }));
    expect(letterText(familyWords)).not.toMatch(/your home|You told me|see you/);
    expect(draft.whoToContact).toBe('If you would like to talk about this, or if you have new information that would help the family, please contact me, Priya Shah, by email at priya.shah@northvale.example.');
  });

  it('does not repeat the agency under a referrer that is the agency itself', () => {
    const draft = referrerLetterDraft(facts({ referrer: { name: 'Northvale Homes', agency: 'Northvale Homes', contact: 'tenancy@northvale.example' } }));
    expect(draft.recipientAddress).toBe('tenancy@northvale.example');
  });

  it('cannot be drafted when there is no referrer', () => {
    expect(() => referrerLetterDraft(facts({ referrer: null }))).toThrow('This case has no referrer to write to');
  });
});

describe('every draft is respectful', () => {
  it('uses no blaming words, for every kind of contact, to either reader, with or without the practitioner’s words', () => {
    for (const contactType of contactTypes) {
      for (const over of [{}, { didTogether: '', progress: '', nextSteps: '' }, { writer: sam }]) {
        for (const draft of [familyLetterDraft(facts({ contactType, ...over })), referrerLetterDraft(facts({ contactType, ...over }))]) {
          expect({ contactType, found: blamingWordsIn(letterText(draft)) }).toEqual({ contactType, found: [] });
        }
      }
    }
  });

  it('keeps sentences short (plain English: under 30 words each)', () => {
    const text = letterText(familyLetterDraft(facts())) + letterText(referrerLetterDraft(facts()));
    const longest = Math.max(...text.split(/(?<=[.!?])\s+|\n+/).map((s) => s.split(/\s+/).length));
    expect(longest).toBeLessThan(30);
  });

  it('has a wordlist that includes the words the issue names', () => {
    expect(blamingWords).toEqual(expect.arrayContaining(['failed', 'non-compliant', 'refused']));
  });
});

describe('the letter document', () => {
  it('lays a saved letter out with headings for the reader, skipping empty sections', () => {
    const draft = { ...familyLetterDraft(facts()), nextSteps: '' };
    const doc = letterDocument({ ...draft, letterDate: '2026-11-25' });
    expect(doc).toMatchObject({
      fromLines: ['Northvale Children’s Services'], toLines: ['Kerry Walsh and Dan Walsh', '12 Mill Lane', 'Riverside', 'NV1 4AB'],
      date: '25 November 2026', salutation: 'Dear Kerry and Dan,', closing: 'Yours sincerely,',
      signature: ['Priya Shah', 'Family support worker'],
    });
    expect(doc.sections.map((s) => s.heading)).toEqual(['What we did together', 'The progress you have made', 'Who to contact']);
    expect(doc.sections[0].paragraphs).toHaveLength(2);
  });
});
