/**
 * A campaign's progress as one bar: delivered or read, sent, failed, skipped or cancelled, and
 * what is still to go, with the share of messages that reached a final state. On the campaign's
 * page it also lists every count.
 */
import React from 'react';
import type { BasePropertyProps } from 'adminjs';
import { Box, Label, Text } from '@adminjs/design-system';

const SEGMENTS = [
  { label: 'delivered', keys: ['delivered', 'read'], color: '#2e9e5b' },
  { label: 'sent', keys: ['accepted', 'sent'], color: '#4268f6' },
  { label: 'failed', keys: ['failed'], color: '#d63e3e' },
  { label: 'skipped', keys: ['skipped', 'cancelled'], color: '#9aa0b4' },
];

const COUNTS = ['total', 'queued', 'sending', 'accepted', 'sent', 'delivered', 'read', 'failed', 'skipped', 'cancelled'];

const CampaignProgress: React.FC<BasePropertyProps> = ({ record, where }) => {
  const params = record?.params ?? {};
  const count = (key: string) => Number(params[`counts.${key}`] ?? 0);
  const total = count('total');
  const done = total - count('queued') - count('sending');
  const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
  const bar = (
    <Box style={{ minWidth: 160 }} data-testid="campaign-progress">
      <Box style={{ display: 'flex', height: 10, borderRadius: 5, overflow: 'hidden', background: '#e8eaf2' }}>
        {SEGMENTS.map((segment) => {
          const value = segment.keys.reduce((sum, key) => sum + count(key), 0);
          return value > 0 && total > 0
            ? <div key={segment.label} title={`${segment.label}: ${value}`} style={{ width: `${(value / total) * 100}%`, background: segment.color }} />
            : null;
        })}
      </Box>
      <Text variant="sm" mt="sm">{`${percent}% · ${done.toLocaleString()} of ${total.toLocaleString()} done`}</Text>
    </Box>
  );
  if (where !== 'show') return bar;
  return (
    <Box mb="xl">
      <Label>Progress</Label>
      {bar}
      <Box mt="lg" style={{ display: 'flex', flexWrap: 'wrap', gap: 8 }} data-testid="campaign-counts">
        {COUNTS.map((key) => (
          <Box key={key} style={{ minWidth: 84, padding: '6px 10px', borderRadius: 4, background: '#f6f7fb' }}>
            <Text style={{ fontSize: 11, color: '#7b8095', textTransform: 'uppercase' }}>{key}</Text>
            <Text style={{ fontSize: 18, fontWeight: 600 }}>{count(key).toLocaleString()}</Text>
          </Box>
        ))}
      </Box>
    </Box>
  );
};

export default CampaignProgress;
