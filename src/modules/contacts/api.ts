import type { FastifyInstance, FastifyReply } from 'fastify';
import { parseChronologyFilters } from '../../domain/casework/chronology.ts';
import { letterRecipients, type LetterRecipient } from '../../domain/casework/letters.ts';
import { ValidationError } from '../../domain/errors.ts';
import type { Services } from '../../services.ts';
import { paths } from '../../web/urls.ts';
import { letterFormats } from './letters.ts';
import { rolesWith } from '../../domain/access/policy.ts';

const writers = rolesWith('casework.write');
type CaseParams = { caseId: string };
type ContactParams = { caseId: string; contactId: string };
type LetterParams = { caseId: string; letterId: string };
type FamilyParams = { familyId: string };

function body(value: unknown): Record<string, unknown> {
  if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  throw new ValidationError({ body: 'Send a JSON object' });
}

/** The JSON API for contacts, letters and the chronology: the same use cases as the pages. */
export async function contactApi(app: FastifyInstance, { services }: { services: Services }) {
  const { contacts } = services;

  app.get<{ Params: CaseParams }>(paths.api.contacts, { config: { access: 'signed-in' } }, async (request) =>
    contacts.contacts(request.actor!, request.params.caseId));

  app.post<{ Params: CaseParams }>(paths.api.contacts, { config: { access: writers } }, async (request, reply) =>
    reply.code(201).send(await contacts.recordContact(request.actor!, request.params.caseId, body(request.body))));

  app.get<{ Params: ContactParams }>(paths.api.contact, { config: { access: 'signed-in' } }, async (request) =>
    contacts.contact(request.actor!, request.params.caseId, request.params.contactId));

  app.get<{ Params: ContactParams }>(paths.api.letterDraft, { config: { access: writers } }, async (request) => {
    const recipient = String((request.query as Record<string, unknown>).recipient ?? '');
    if (!(letterRecipients as readonly string[]).includes(recipient)) throw new ValidationError({ recipient: 'Say who the letter is to: family or referrer' });
    return contacts.letterDraft(request.actor!, request.params.caseId, request.params.contactId, recipient as LetterRecipient);
  });

  app.get<{ Params: CaseParams }>(paths.api.letters, { config: { access: 'signed-in' } }, async (request) =>
    contacts.letters(request.actor!, request.params.caseId));

  app.post<{ Params: CaseParams }>(paths.api.letters, { config: { access: writers } }, async (request, reply) =>
    reply.code(201).send(await contacts.saveLetter(request.actor!, request.params.caseId, body(request.body))));

  app.get<{ Params: LetterParams }>(paths.api.letter, { config: { access: 'signed-in' } }, async (request) =>
    contacts.letter(request.actor!, request.params.caseId, request.params.letterId));

  for (const format of letterFormats) {
    app.get<{ Params: LetterParams }>(format === 'pdf' ? paths.api.letterPdf : paths.api.letterDocx, { config: { access: 'signed-in' } }, async (request, reply) =>
      sendLetter(reply, await contacts.letterFile(request.actor!, request.params.caseId, request.params.letterId, format)));
  }

  app.get<{ Params: FamilyParams }>(paths.api.chronology, { config: { access: 'signed-in' } }, async (request) =>
    contacts.chronology(request.actor!, request.params.familyId, parseChronologyFilters(request.query as Record<string, unknown>)));

  app.post<{ Params: FamilyParams }>(paths.api.chronology, { config: { access: writers } }, async (request, reply) =>
    reply.code(201).send(await contacts.addChronologyEntry(request.actor!, request.params.familyId, body(request.body))));
}

/** A letter file as a download. */
export function sendLetter(reply: FastifyReply, file: { body: Buffer; fileName: string; contentType: string }) {
  return reply
    .header('content-type', file.contentType)
    .header('content-disposition', `attachment; filename="${file.fileName}"`)
    .header('cache-control', 'no-store')
    .send(file.body);
}
