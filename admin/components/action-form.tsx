/**
 * A small form for actions that need a few words from the operator (the numbers of a test send,
 * a new webhook endpoint): posts them to the action and shows what the service answered. A value
 * the action returns as `shownOnce` (an API key, a signing secret) is displayed this one time.
 */
import React, { useState } from 'react';
import { ApiClient, useNotice, type ActionProps } from 'adminjs';
import { Box, Button, FormGroup, H3, Input, Label, MessageBox, Text } from '@adminjs/design-system';

interface Field { name: string; label: string; placeholder?: string }

const api = new ApiClient();

const ActionForm: React.FC<ActionProps> = ({ action, resource, record }) => {
  const fields: Field[] = action.custom?.fields ?? [];
  const [values, setValues] = useState<Record<string, string>>({});
  const [shownOnce, setShownOnce] = useState<{ value: string; url?: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const addNotice = useNotice();

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      const call = record
        ? api.recordAction({ resourceId: resource.id, recordId: record.id, actionName: action.name, data: values })
        : api.resourceAction({ resourceId: resource.id, actionName: action.name, data: values });
      const { data } = await call;
      if (data.notice) addNotice(data.notice);
      if (data.shownOnce) setShownOnce({ value: data.shownOnce, url: data.recordUrl });
    } finally {
      setBusy(false);
    }
  };

  if (shownOnce) {
    return (
      <Box variant="container" data-testid="shown-once">
        <H3>{action.custom?.shownOnceLabel ?? 'Secret'}</H3>
        <MessageBox variant="warning" mb="lg" message={action.custom?.shownOnceNote ?? 'Copy it now: it is shown only this once.'} />
        <pre style={{ padding: 12, background: '#f6f7fb', borderRadius: 4, userSelect: 'all', wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}>{shownOnce.value}</pre>
        {shownOnce.url ? <Button as="a" href={shownOnce.url} mt="lg">Done</Button> : null}
      </Box>
    );
  }

  return (
    <Box as="form" variant="container" onSubmit={submit} data-testid="action-form">
      {record ? <Text mb="lg">{`For ${record.title}`}</Text> : null}
      {action.custom?.help ? <Text mb="lg">{action.custom.help}</Text> : null}
      {fields.map((field) => (
        <FormGroup key={field.name}>
          <Label htmlFor={field.name}>{field.label}</Label>
          <Input id={field.name} name={field.name} width={1} placeholder={field.placeholder} value={values[field.name] ?? ''}
            onChange={(event: { target: { value: string } }) => setValues({ ...values, [field.name]: event.target.value })} />
        </FormGroup>
      ))}
      <Button variant="contained" type="submit" disabled={busy}>{action.custom?.submitLabel ?? 'Send'}</Button>
    </Box>
  );
};

export default ActionForm;
