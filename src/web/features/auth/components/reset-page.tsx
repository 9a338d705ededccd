// /app/reset: ask for a reset link, or (with ?token=) choose the new password.
import { Alert, Anchor, Button, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { isApiError } from '../../../api/client.ts';
import { useT } from '../../../i18n/use-t.ts';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { Icon } from '../../../ui/icons.tsx';
import { errorMessages } from '../../../ui/messages.ts';
import { useConfirmPasswordReset, useRequestPasswordReset } from '../../session/api.ts';
import { authMessages } from '../messages.ts';
import { PublicLayout } from './public-layout.tsx';

const MIN_PASSWORD = 10;

/** Chooses between the request form and the new-password form from the URL. */
export function ResetPage() {
  const [params] = useSearchParams();
  const token = params.get('token');
  return token ? <NewPasswordForm token={token} /> : <RequestResetForm />;
}

function RequestResetForm() {
  const t = useT(authMessages);
  const request = useRequestPasswordReset();
  const [email, setEmail] = useState('');
  const [touched, setTouched] = useState(false);
  const invalid = !/^\S+@\S+\.\S+$/.test(email);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (!invalid) request.mutate({ email: email.trim() });
  };

  return (
    <PublicLayout title={t('resetTitle')}>
      {request.isSuccess ? (
        <Stack>
          <Alert role="status" color="teal" variant="light" icon={<Icon name="check" />}>
            <Text size="sm" fw={500}>
              {t('resetSent')}
            </Text>
            <Text size="sm" c="dimmed">
              {t('resetSentHint')}
            </Text>
          </Alert>
          <Anchor component={Link} to="/login" size="sm">
            {t('backToLogin')}
          </Anchor>
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack>
            <Text size="sm" c="dimmed">
              {t('resetIntro')}
            </Text>
            {request.isError && <ErrorAlert error={request.error} />}
            <TextInput
              label={t('email')}
              type="email"
              autoComplete="email"
              required
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
              error={touched && invalid ? t('emailInvalid') : undefined}
              autoFocus
            />
            <Button type="submit" loading={request.isPending} fullWidth>
              {t('resetSubmit')}
            </Button>
            <Anchor component={Link} to="/login" size="sm" ta="center">
              {t('backToLogin')}
            </Anchor>
          </Stack>
        </form>
      )}
    </PublicLayout>
  );
}

function NewPasswordForm({ token }: { token: string }) {
  const t = useT(authMessages);
  const errors = useT(errorMessages);
  const tokenMessage = errors('RESET_TOKEN_INVALID');
  const confirm = useConfirmPasswordReset();
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [touched, setTouched] = useState(false);
  const tooShort = password.length < MIN_PASSWORD;
  const differ = password !== repeat;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (!tooShort && !differ) confirm.mutate({ token, password });
  };

  if (confirm.isSuccess) {
    return (
      <PublicLayout title={t('newPasswordTitle')}>
        <Stack>
          <Alert role="status" color="teal" variant="light" icon={<Icon name="check" />}>
            {t('newPasswordDone')}
          </Alert>
          <Button component={Link} to="/login" fullWidth>
            {t('goToLogin')}
          </Button>
        </Stack>
      </PublicLayout>
    );
  }

  // The server rejects a malformed token as a validation failure: for a person, it is the same broken link.
  const tokenInvalid = isApiError(confirm.error, 'RESET_TOKEN_INVALID') || isApiError(confirm.error, 'VALIDATION_FAILED');
  return (
    <PublicLayout title={t('newPasswordTitle')}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <Text size="sm" c="dimmed">
            {t('newPasswordIntro')}
          </Text>
          {confirm.isError && (
            <ErrorAlert error={confirm.error} overrides={tokenInvalid ? { VALIDATION_FAILED: tokenMessage } : undefined} />
          )}
          {tokenInvalid && (
            <Anchor component={Link} to="/reset" size="sm">
              {t('requestNewLink')}
            </Anchor>
          )}
          <PasswordInput
            label={t('newPassword')}
            autoComplete="new-password"
            required
            minLength={MIN_PASSWORD}
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={touched && tooShort ? t('passwordTooShort') : undefined}
            autoFocus
          />
          <PasswordInput
            label={t('confirmPassword')}
            autoComplete="new-password"
            required
            value={repeat}
            onChange={(e) => setRepeat(e.currentTarget.value)}
            error={touched && differ ? t('passwordsDiffer') : undefined}
          />
          <Button type="submit" loading={confirm.isPending} fullWidth>
            {t('newPasswordSubmit')}
          </Button>
        </Stack>
      </form>
    </PublicLayout>
  );
}
