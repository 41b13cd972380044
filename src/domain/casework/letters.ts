/**
 * Progress letters after a contact: one to the family, one to the referrer. The builders make
 * a first draft in plain, respectful, never-blaming English; the family's from what the
 * practitioner wrote for the family on the contact form, the referrer's in words for a
 * professional. The practitioner edits and approves each before it is saved.
 * Case notes are never used: they may hold details about other people.
 */
import { formatDate } from '../dates.ts';
import { nameWithAgency, sameName } from '../names.ts';
import { noun } from '../plural.ts';
import type { ContactType } from './intensity.ts';

export const letterRecipients = ['family', 'referrer'] as const;
export type LetterRecipient = (typeof letterRecipients)[number];
export const letterRecipientLabels: Record<LetterRecipient, string> = { family: 'The family', referrer: 'The referrer' };

export const letterSections = ['didTogether', 'progress', 'nextSteps', 'servicesNearYou', 'whoToContact'] as const;
export type LetterSection = (typeof letterSections)[number];

export const letterHeadings: Record<LetterRecipient, Record<LetterSection, string>> = {
  family: { didTogether: 'What we did together', progress: 'The progress you have made', nextSteps: 'What happens next', servicesNearYou: 'Services near you', whoToContact: 'Who to contact' },
  referrer: { didTogether: 'What we did', progress: 'Progress made', nextSteps: 'What happens next', servicesNearYou: 'Services we have suggested', whoToContact: 'Who to contact' },
};

export interface Practitioner {
  id: string;
  name: string;
  jobTitle: string;
  agency: string;
  email: string;
}

/** What a draft is made from: the contact, the family and the people involved. */
export interface LetterFacts {
  familyName: string;
  caseReference: string;
  programmeName: string;
  /** The family's address, one line each. */
  familyAddress: string[];
  /** Full names of the adults the family letter is written to. */
  adults: { givenName: string; familyName: string }[];
  /** Given names of family members who were there. */
  present: string[];
  contactType: ContactType;
  contactDate: string;
  location: string;
  /** What the practitioner wrote for the family on the contact form (never the case notes). */
  didTogether: string;
  progress: string;
  nextSteps: string;
  /** Whom the reader should contact: the key worker, or the writer when there is none. */
  keyWorker: Practitioner;
  writer: Practitioner;
  referrer: { name: string; agency: string; contact: string } | null;
  /** Directory services the practitioner chose to put in the family's letter, with how to reach them. */
  services?: LetterService[];
}

export interface LetterService { name: string; organisation: string; phone: string; email: string; website: string; address: string; hiddenAddress: boolean }

/** One service as a paragraph: its name, then how to reach it, one way a line. */
export function serviceParagraph(s: LetterService): string {
  return [
    s.organisation && s.organisation !== s.name ? `${s.name} (${s.organisation})` : s.name,
    s.phone ? `Phone: ${s.phone}` : '', s.email ? `Email: ${s.email}` : '', s.website ? `Website: ${s.website}` : '',
    s.hiddenAddress ? 'Address: not shared, to keep the people who use it safe. Contact them to arrange help.' : s.address ? `Address: ${s.address}` : '',
  ].filter(Boolean).join('\n');
}

export interface LetterDraft {
  recipient: LetterRecipient;
  recipientName: string;
  recipientAddress: string;
  subject: string;
  salutation: string;
  didTogether: string;
  progress: string;
  nextSteps: string;
  servicesNearYou: string;
  whoToContact: string;
  signedByName: string;
  signedByRole: string;
  /** The writer's agency: the letter is sent on its behalf. */
  organisation: string;
}

const weekdays = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** '2026-11-23' → 'Monday 23 November 2026'. */
export function formatDayDate(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number);
  return `${weekdays[new Date(Date.UTC(y, m - 1, d)).getUTCDay()]} ${formatDate(iso)}`;
}

/** ['Kerry', 'Sam', 'Jade'] → 'Kerry, Sam and Jade'. */
export function joinNames(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

function paragraphs(...parts: string[]): string {
  return parts.map((p) => p.trim()).filter(Boolean).join('\n\n');
}

function role(p: Practitioner): string {
  return nameWithAgency(p.jobTitle, p.agency);
}

function howToReach(p: Practitioner): string {
  return p.email ? `by email at ${p.email}` : `through ${p.agency}`;
}

function familyOpening(f: LetterFacts): string {
  const day = formatDayDate(f.contactDate);
  const where = f.location.trim();
  const talking = f.contactType === 'phone_call' || f.contactType === 'video_call';
  const first = {
    home_visit: `Thank you for welcoming me to your home on ${day}.`,
    office_visit: `Thank you for coming to see me${where ? ` at ${where}` : ''} on ${day}.`,
    phone_call: `Thank you for talking with me on the phone on ${day}.`,
    video_call: `Thank you for talking with me on a video call on ${day}.`,
    meeting: `Thank you for coming to the meeting${where ? ` at ${where}` : ''} on ${day}.`,
    other: `Thank you for meeting with me on ${day}.`,
  }[f.contactType];
  // Written to the adults: when they were all there they are "you", never named to themselves.
  const addressed = f.adults.map((a) => a.givenName);
  const allAddressedThere = addressed.length > 0 && addressed.every((name) => f.present.includes(name));
  const others = allAddressedThere ? f.present.filter((name) => !addressed.includes(name)) : f.present;
  const names = joinNames([...(allAddressedThere ? ['you'] : []), ...others]);
  const second = names ? (talking ? ` It was good to talk with ${names}.` : ` It was good to spend time with ${names}.`) : '';
  return first + second;
}

function referrerOpening(f: LetterFacts): string {
  const day = formatDayDate(f.contactDate);
  const where = f.location.trim();
  const what = {
    home_visit: `On ${day} I visited the family at home.`,
    office_visit: `On ${day} I met the family${where ? ` at ${where}` : ''}.`,
    phone_call: `On ${day} I spoke with the family on the phone.`,
    video_call: `On ${day} I spoke with the family on a video call.`,
    meeting: `On ${day} we held a meeting with the family${where ? ` at ${where}` : ''}.`,
    other: `On ${day} I met the family.`,
  }[f.contactType];
  const there = f.present.length ? ` ${joinNames(f.present)} ${noun(f.present.length, 'was', 'were')} there.` : '';
  return `Thank you for referring the ${f.familyName} family to ${f.programmeName}. I am writing to let you know how our work with the family is going.\n\n${what}${there}`;
}

/** The first draft of the letter to the family. */
export function familyLetterDraft(f: LetterFacts): LetterDraft {
  const adults = f.adults.map((a) => `${a.givenName} ${a.familyName}`);
  const writerIsKeyWorker = f.writer.id === f.keyWorker.id;
  const contactSentence = writerIsKeyWorker
    ? `If you have any questions, or if anything changes, please contact me, ${f.writer.name}, ${howToReach(f.writer)}.`
    : `If you have any questions, or if anything changes, please contact your key worker, ${f.keyWorker.name} (${role(f.keyWorker)}), ${howToReach(f.keyWorker)}.`;
  return {
    recipient: 'family',
    recipientName: adults.length ? joinNames(adults) : `The ${f.familyName} family`,
    recipientAddress: f.familyAddress.filter((l) => l.trim()).join('\n'),
    subject: 'How things are going',
    salutation: `Dear ${f.adults.length ? joinNames(f.adults.map((a) => a.givenName)) : `${f.familyName} family`}`,
    didTogether: paragraphs(familyOpening(f), f.didTogether),
    progress: f.progress.trim(),
    nextSteps: f.nextSteps.trim() || 'We will keep working together on the things that matter to your family. I will be in touch to arrange when we next meet.',
    servicesNearYou: f.services?.length
      ? paragraphs('These services near you may help. You can contact them yourself, or ask me to help you.', ...f.services.map(serviceParagraph)) : '',
    whoToContact: `${contactSentence} You can also ask to speak to a manager at any time.`,
    signedByName: f.writer.name,
    signedByRole: f.writer.jobTitle,
    organisation: f.writer.agency,
  };
}

/** The first draft of the letter to the practitioner (or agency) who referred the family. */
export function referrerLetterDraft(f: LetterFacts): LetterDraft {
  if (!f.referrer) throw new Error('This case has no referrer to write to');
  const writerIsKeyWorker = f.writer.id === f.keyWorker.id;
  const who = writerIsKeyWorker ? `me, ${f.writer.name}, ${howToReach(f.writer)}` : `the family’s key worker, ${f.keyWorker.name} (${role(f.keyWorker)}), ${howToReach(f.keyWorker)}`;
  return {
    recipient: 'referrer',
    recipientName: f.referrer.name,
    // The agency under the name, unless the referrer is the agency itself ("Northvale Homes").
    recipientAddress: [sameName(f.referrer.agency, f.referrer.name) ? '' : f.referrer.agency, f.referrer.contact].filter((l) => l.trim()).join('\n'),
    subject: `Progress update: ${f.familyName} family (${f.caseReference})`,
    salutation: `Dear ${f.referrer.name}`,
    // What the practitioner wrote for the family speaks to them ("you told me..."): a professional gets their own words.
    didTogether: referrerOpening(f),
    progress: 'The family are working with me on the goals in their family plan. I will share more detail with their agreement if it would help your work with them.',
    nextSteps: 'I will keep working with the family on the goals they have chosen, and I will let you know how things are going.',
    servicesNearYou: '',
    whoToContact: `If you would like to talk about this, or if you have new information that would help the family, please contact ${who}.`,
    signedByName: f.writer.name,
    signedByRole: f.writer.jobTitle,
    organisation: f.writer.agency,
  };
}

/**
 * Words and phrases that blame. Letters (above all the family's) describe what happened and what
 * comes next; they never label people. A letter containing any of these is refused.
 */
export const blamingWords = [
  'failed', 'failing', 'failure', 'non-compliant', 'noncompliant', 'non-compliance', 'refused', 'refuses', 'refusal',
  'uncooperative', 'unco-operative', 'resistant', 'disengaged', 'did not engage', 'neglectful', 'chaotic', 'lazy', 'hostile',
  'manipulative', 'unwilling', 'inadequate', 'irresponsible', 'incapable', 'bad parent', 'bad parenting', 'problem family',
  'troubled family', 'dysfunctional',
] as const;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const blamingPattern = new RegExp(`(?<![\\p{L}-])(${[...blamingWords].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|')})(?![\\p{L}-])`, 'giu');

/** The blaming words in a text, lower-cased, each once, in the order they first appear. */
export function blamingWordsIn(text: string): string[] {
  const found = [...text.replace(/[’‘]/g, "'").matchAll(blamingPattern)].map((m) => m[1].toLowerCase());
  return [...new Set(found)];
}

function normalise(text: string): string {
  return text.toLowerCase().replace(/[’‘]/g, "'").replace(/[^\p{L}\p{N}']+/gu, ' ').trim();
}

/**
 * Sentences of the case notes (four words or more) that a letter repeats word for word: a family
 * letter must not carry case-note details, which may be about other people.
 */
export function repeatedPassages(letterText: string, notes: string): string[] {
  const letter = ` ${normalise(letterText)} `;
  return notes
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.trim())
    .filter((s) => normalise(s).split(' ').length >= 4 && letter.includes(` ${normalise(s)} `));
}

/** The whole text of a letter, for checks. */
export function letterText(l: Pick<LetterDraft, 'subject' | 'salutation' | LetterSection>): string {
  return [l.subject, l.salutation, ...letterSections.map((s) => l[s])].join('\n\n');
}

/** A saved letter laid out for printing: the PDF and the Word document are both made from this. */
export interface LetterDocument {
  title: string;
  fromLines: string[];
  toLines: string[];
  date: string;
  subject: string;
  salutation: string;
  sections: { heading: string; paragraphs: string[][] }[];
  closing: string;
  signature: string[];
}

/** Paragraphs split on blank lines; each paragraph is its lines. */
export function splitParagraphs(text: string): string[][] {
  return text.replace(/\r\n?/g, '\n').split(/\n\s*\n/).map((p) => p.split('\n').map((l) => l.trimEnd()).filter((l) => l.trim()))
    .filter((p) => p.length);
}

export function letterDocument(l: LetterDraft & { letterDate: string }): LetterDocument {
  const headings = letterHeadings[l.recipient];
  return {
    title: `${l.subject} – letter of ${formatDate(l.letterDate)}`,
    fromLines: [l.organisation].filter(Boolean),
    toLines: [l.recipientName, ...l.recipientAddress.split('\n')].map((s) => s.trim()).filter(Boolean),
    date: formatDate(l.letterDate),
    subject: l.subject,
    salutation: `${l.salutation},`,
    sections: letterSections.map((s) => ({ heading: headings[s], paragraphs: splitParagraphs(l[s]) })).filter((s) => s.paragraphs.length),
    closing: 'Yours sincerely,',
    signature: [l.signedByName, l.signedByRole].filter(Boolean),
  };
}
