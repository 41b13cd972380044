import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ValidationError } from '../../domain/errors.ts';
import { groupedSecret } from '../../domain/access/totp.ts';
import { rolesWith } from '../../domain/access/policy.ts';
import type { Services } from '../../services.ts';
import { errorList, redirectWithErrors, setSessionValue, takeFormState, text } from '../../web/forms.ts';
import { paths, safeReturnPath, urls } from '../../web/urls.ts';
import { count } from '../../domain/plural.ts';

/** The code after the password, setting up a second factor, and an administrator's reset. */
export async function secondFactorRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const sf = services.secondFactor;
  const owed = { access: 'signed-in', beforeSecondFactor: true } as const;
  const nextOf = (request: FastifyRequest) => safeReturnPath((request.query as Record<string, unknown>).next, '');

  app.get(paths.signInCode, { config: owed }, async (request, reply) => {
    if (request.secondFactorOwed !== 'code') return reply.redirect(nextOf(request) || urls.myFamilies());
    const state = await takeFormState(services, request);
    return reply.view('access/views/sign-in-code.njk', {
      pageTitle: 'Enter the code from your authenticator app',
      errors: state?.errors ?? {}, errorList: state ? errorList(state.errors) : [], next: nextOf(request),
    });
  });

  app.post(paths.signInCode, { config: owed }, async (request, reply) => {
    const body = request.body as Record<string, unknown>;
    const next = safeReturnPath(text(body, 'next'), '');
    if (request.secondFactorOwed !== 'code') return reply.redirect(next || urls.myFamilies(), 303);
    const code = text(body, 'code');
    const back = urls.signInCode(next);
    if (!code.trim()) return redirectWithErrors(services, request, reply, back, { errors: { code: 'Enter the 6-digit code from your authenticator app' }, values: {} });
    const result = await sf.checkCode(request.user!.id, request.session!.idHash, code, request.ip);
    if (!result.ok) return redirectWithErrors(services, request, reply, back, { errors: { code: result.message }, values: {} });
    if (result.usedRecoveryCode) {
      await setSessionValue(services, request, 'secondFactorNotice', result.recoveryCodesLeft === 1
        ? 'You used a recovery code. You have 1 left: set up your second factor again to get new ones.'
        : `You used a recovery code. You have ${count(result.recoveryCodesLeft, 'recovery code')} left.`);
    }
    return reply.redirect(next || urls.myFamilies(), 303);
  });

  // Setting up: a new secret is kept in the session until a code from it confirms it.
  app.get(paths.secondFactorSetUp, { config: owed }, async (request, reply) => {
    if (request.secondFactorOwed === 'code') return reply.redirect(urls.signInCode(nextOf(request)));
    const session = request.session!;
    let secret = session.data.pendingSecondFactor as string | undefined;
    if (!secret) {
      secret = sf.newSecret();
      await setSessionValue(services, request, 'pendingSecondFactor', secret);
    }
    const state = await takeFormState(services, request);
    const notice = (session.data.secondFactorNotice as string | undefined) ?? null;
    if (notice) await setSessionValue(services, request, 'secondFactorNotice', null);
    return reply.view('access/views/second-factor-set-up.njk', {
      pageTitle: 'Set up your second factor',
      secret: groupedSecret(secret), uri: sf.uri(secret, request.user!.email),
      required: request.secondFactorOwed === 'set-up', enrolled: Boolean(session.secondFactorEnrolled),
      recoveryCodesLeft: session.secondFactorEnrolled ? await sf.recoveryCodesLeft(request.user!.id) : null,
      notice, errors: state?.errors ?? {}, errorList: state ? errorList(state.errors) : [], next: nextOf(request),
    });
  });

  app.post(paths.secondFactorSetUp, { config: owed }, async (request, reply) => {
    if (request.secondFactorOwed === 'code') return reply.redirect(urls.signInCode(), 303);
    const body = request.body as Record<string, unknown>;
    const next = safeReturnPath(text(body, 'next'), '');
    const secret = request.session!.data.pendingSecondFactor as string | undefined;
    if (!secret) return reply.redirect(urls.secondFactorSetUp(next), 303);
    try {
      const codes = await sf.confirmSetUp(request.actor!, request.session!.idHash, secret, text(body, 'code'));
      await setSessionValue(services, request, 'pendingSecondFactor', null);
      await setSessionValue(services, request, 'recoveryCodes', { codes, next });
    } catch (error) {
      if (error instanceof ValidationError) return redirectWithErrors(services, request, reply, urls.secondFactorSetUp(next), { errors: error.fieldErrors, values: {} });
      throw error;
    }
    return reply.redirect(urls.secondFactorRecoveryCodes(), 303);
  });

  // The recovery codes, shown once, straight after set-up.
  app.get(paths.secondFactorRecoveryCodes, { config: { access: 'signed-in' } }, async (request, reply) => {
    const shown = request.session!.data.recoveryCodes as { codes: string[]; next: string } | undefined;
    if (!shown) return reply.redirect(urls.secondFactorSetUp());
    await setSessionValue(services, request, 'recoveryCodes', null);
    return reply.view('access/views/recovery-codes.njk', {
      pageTitle: 'Your second factor is set up', codes: shown.codes, next: safeReturnPath(shown.next, '') || urls.myFamilies(),
    });
  });

  app.post(paths.adminUserResetSecondFactor, { config: { access: rolesWith('admin.manage') } }, async (request, reply) => {
    const userId = (request.params as Record<string, string>).userId;
    const had = await sf.reset(request.actor!, userId);
    await setSessionValue(services, request, 'adminNotice', had
      ? 'Second factor reset. They set up a new one the next time they sign in.'
      : 'They had no second factor to reset.');
    return reply.redirect(urls.adminUser(userId), 303);
  });
}
