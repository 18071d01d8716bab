/**
 * A small form for actions that create an API key (a new client, or a new key for a client).
 * The key comes back in the action's response, is shown here once, and is never stored or
 * shown again; the form says so.
 */
import React, { useState } from 'react';
import { ApiClient, useNotice, type ActionProps } from 'adminjs';
import { Box, Button, FormGroup, H3, Input, Label, MessageBox, Text } from '@adminjs/design-system';

interface Field { name: string; label: string }

const api = new ApiClient();

const CreateWithKey: React.FC<ActionProps> = ({ action, resource, record }) => {
  const fields: Field[] = action.custom?.fields ?? [];
  const [values, setValues] = useState<Record<string, string>>({});
  const [created, setCreated] = useState<{ key: string; url?: string } | null>(null);
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
      if (data.createdKey) setCreated({ key: data.createdKey, url: data.recordUrl });
    } finally {
      setBusy(false);
    }
  };

  if (created) {
    return (
      <Box variant="container" data-testid="created-key">
        <H3>{action.custom?.keyLabel ?? 'API key'}</H3>
        <MessageBox variant="warning" mb="lg" message="Copy this key now. It is shown only this once; only a hash of it is stored." />
        <pre style={{ padding: 12, background: '#f6f7fb', borderRadius: 4, userSelect: 'all', wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}>{created.key}</pre>
        {created.url ? <Button as="a" href={created.url} mt="lg">Done</Button> : null}
      </Box>
    );
  }

  return (
    <Box as="form" variant="container" onSubmit={submit}>
      {record ? <Text mb="lg">{`For ${record.title}`}</Text> : null}
      {fields.map((field) => (
        <FormGroup key={field.name}>
          <Label htmlFor={field.name}>{field.label}</Label>
          <Input id={field.name} name={field.name} width={1} value={values[field.name] ?? ''}
            onChange={(event: { target: { value: string } }) => setValues({ ...values, [field.name]: event.target.value })} />
        </FormGroup>
      ))}
      <Button variant="contained" type="submit" disabled={busy}>Create</Button>
    </Box>
  );
};

export default CreateWithKey;
