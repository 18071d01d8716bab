/** Free-form values (a raw webhook payload, template components, an audit entry) as readable JSON. */
import React from 'react';
import { flat, useTranslation, type BasePropertyProps } from 'adminjs';
import { Box, Label } from '@adminjs/design-system';

/** Stored JSON text (a raw webhook body) is shown pretty-printed; anything else as it is. */
function parsedOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const JsonView: React.FC<BasePropertyProps> = ({ record, property, resource }) => {
  const { translateProperty } = useTranslation();
  const raw = flat.get(record?.params ?? {}, property.path);
  const value = typeof raw === 'string' ? parsedOrText(raw) : raw;
  return (
    <Box mb="xl">
      <Label>{translateProperty(property.label, resource.id)}</Label>
      <pre style={{ margin: 0, padding: 12, background: '#f6f7fb', borderRadius: 4, fontSize: 12, maxHeight: 480, overflow: 'auto', whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
        {value === undefined || value === null ? '—' : JSON.stringify(value, null, 2)}
      </pre>
    </Box>
  );
};

export default JsonView;
