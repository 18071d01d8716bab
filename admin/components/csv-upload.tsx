/**
 * "New campaign from CSV": the operator picks the client, writes the campaign (the API's JSON
 * without recipients) and chooses the recipients file; the browser reads the file and posts it to
 * the panel's upload route, which runs exactly what `POST /v1/campaigns` runs for a CSV.
 */
import React, { useState } from 'react';
import { Box, Button, FormGroup, Input, Label, MessageBox, Text, TextArea } from '@adminjs/design-system';

const EXAMPLE = JSON.stringify({ name: 'Spring promo', credentialId: '', template: { name: 'welcome_offer', language: 'en_US' } }, null, 2);

interface Answer { id?: string; status?: string; counts?: { total: number }; rejected?: unknown[]; estimate?: { completesAt: string; warnings: string[] }; error?: { message: string; details?: Array<{ row?: number; column?: string; field?: string; message: string }> } }

const CsvUpload: React.FC = () => {
  const [clientId, setClientId] = useState('');
  const [campaign, setCampaign] = useState(EXAMPLE);
  const [file, setFile] = useState<File | null>(null);
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (!file) return;
    setBusy(true);
    try {
      const csv = await file.text();
      const response = await fetch('/admin/campaign-files/upload', {
        method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ clientId, campaign, csv }),
      });
      setAnswer(await response.json() as Answer);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Box as="form" variant="container" onSubmit={submit} data-testid="csv-upload">
      <Text mb="lg">Columns: phone (required), ref, then template parameters as header.1, body.1, body.2, button.0.1 … or by a named parameter's name.</Text>
      <FormGroup>
        <Label htmlFor="clientId">Client id</Label>
        <Input id="clientId" width={1} value={clientId} onChange={(e: { target: { value: string } }) => setClientId(e.target.value.trim())} />
      </FormGroup>
      <FormGroup>
        <Label htmlFor="campaign">Campaign (JSON, without recipients)</Label>
        <TextArea id="campaign" width={1} rows={8} value={campaign} onChange={(e: { target: { value: string } }) => setCampaign(e.target.value)} />
      </FormGroup>
      <FormGroup>
        <Label htmlFor="recipients">Recipients (CSV)</Label>
        <input id="recipients" type="file" accept=".csv,text/csv" onChange={(e) => setFile((e.target as unknown as { files?: File[] }).files?.[0] ?? null)} />
      </FormGroup>
      <Button variant="contained" type="submit" disabled={busy || !file}>Create campaign</Button>
      {answer?.error ? (
        <MessageBox mt="lg" variant="danger" message={answer.error.message}>
          {(answer.error.details ?? []).map((detail, i) => <Text key={i}>{[detail.row ? `row ${detail.row}` : detail.field, detail.column, detail.message].filter(Boolean).join(' · ')}</Text>)}
        </MessageBox>
      ) : null}
      {answer?.id ? (
        <MessageBox mt="lg" variant="success" message={`Campaign created (${answer.status}): ${answer.counts?.total} messages, ${answer.rejected?.length ?? 0} rejected; expected to complete at ${answer.estimate?.completesAt}.`}>
          {(answer.estimate?.warnings ?? []).map((warning, i) => <Text key={i}>{warning}</Text>)}
          <Button as="a" mt="default" href={`/admin/resources/Campaign/records/${answer.id}/show`}>Open the campaign</Button>
        </MessageBox>
      ) : null}
    </Box>
  );
};

export default CsvUpload;
