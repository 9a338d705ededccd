// /app/login: e-mail and password, with the lockout and rate-limit errors explained.
import { Anchor, Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { useT } from '../../../i18n/use-t.ts';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { FullPageLoader } from '../../../ui/status-page.tsx';
import { useLogin, useSessionQuery } from '../../session/api.ts';
import { authMessages } from '../messages.ts';
import { PublicLayout } from './public-layout.tsx';

/** Only same-app paths are accepted as a return address (no open redirect). */
export function safeNext(next: string | null): string {
  return next?.startsWith('/') && !next.startsWith('//') ? next : '/';
}

/** The sign-in screen; goes back to the page asked for (?next=) once signed in. */
export function LoginPage() {
  const t = useT(authMessages);
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const navigate = useNavigate();
  const session = useSessionQuery();
  const login = useLogin();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [touched, setTouched] = useState(false);

  if (session.isPending) return <FullPageLoader />;
  if (session.data && !login.isSuccess) return <Navigate to={next} replace />;

  const emailError = touched && !/^\S+@\S+\.\S+$/.test(email) ? t('emailInvalid') : undefined;
  const passwordError = touched && !password ? t('passwordRequired') : undefined;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (!/^\S+@\S+\.\S+$/.test(email) || !password) return;
    login.mutate({ email: email.trim(), password }, { onSuccess: () => navigate(next, { replace: true }) });
  };

  return (
    <PublicLayout title={t('loginTitle')}>
      <form onSubmit={submit} noValidate>
        <Stack>
          {login.isError && <ErrorAlert error={login.error} />}
          <TextInput
            label={t('email')}
            type="email"
            name="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            error={emailError}
            data-autofocus
            autoFocus
          />
          <PasswordInput
            label={t('password')}
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={passwordError}
          />
          <Button type="submit" loading={login.isPending} fullWidth>
            {t('submitLogin')}
          </Button>
          <Anchor component={Link} to="/reset" size="sm" ta="center">
            {t('forgot')}
          </Anchor>
        </Stack>
      </form>
    </PublicLayout>
  );
}
