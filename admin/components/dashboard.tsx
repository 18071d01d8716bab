/**
 * The operator's first screen: today's messages by status, sends per minute over the last hour,
 * campaigns running or paused (and why), queue depths, and credentials that need attention.
 * Data comes from the dashboard handler (admin/dashboard/dashboard-data.ts) and refreshes itself.
 * Plain SVG and design-system parts only: the panel loads nothing from outside.
 */
import React, { useEffect, useState } from 'react';
import { ApiClient, ViewHelpers } from 'adminjs';
import { Badge, Box, H3, H4, Loader, MessageBox, Table, TableBody, TableCell, TableHead, TableRow, Text } from '@adminjs/design-system';
import type { DashboardData } from '../dashboard/dashboard-data.js';

const REFRESH_MS = 15_000;
const api = new ApiClient();
const h = new ViewHelpers();

const STATUS_COLORS: Record<string, string> = {
  queued: '#9aa0b4', sending: '#f0a500', accepted: '#6f8cff', sent: '#4268f6', delivered: '#2e9e5b',
  read: '#1b7a43', failed: '#d63e3e', skipped: '#b5b9c8', cancelled: '#7b8095',
};

const link = (resourceId: string, recordId: string) => h.recordActionUrl({ resourceId, recordId, actionName: 'show' });

const Section: React.FC<{ title: string; children: React.ReactNode; testId: string }> = ({ title, children, testId }) => (
  <Box variant="container" mb="xl" data-testid={testId}>
    <H4 mb="lg">{title}</H4>
    {children}
  </Box>
);

const TodayByStatus: React.FC<{ today: Record<string, number> }> = ({ today }) => (
  <Box style={{ display: 'flex', flexWrap: 'wrap', gap: 12 }}>
    {Object.entries(today).map(([status, count]) => (
      <Box key={status} style={{ minWidth: 104, padding: '10px 14px', borderRadius: 6, background: '#f6f7fb', borderTop: `4px solid ${STATUS_COLORS[status] ?? '#9aa0b4'}` }}>
        <Text style={{ fontSize: 11, textTransform: 'uppercase', letterSpacing: 0.5, color: '#7b8095' }}>{status}</Text>
        <Text style={{ fontSize: 26, fontWeight: 600, lineHeight: '34px' }}>{count.toLocaleString()}</Text>
      </Box>
    ))}
  </Box>
);

const SendsChart: React.FC<{ perMinute: DashboardData['perMinute'] }> = ({ perMinute }) => {
  const width = 720;
  const height = 160;
  const max = Math.max(1, ...perMinute.map((point) => point.count));
  const barWidth = width / perMinute.length;
  const total = perMinute.reduce((sum, point) => sum + point.count, 0);
  const time = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return (
    <Box>
      <Text variant="sm" mb="sm">{`${total.toLocaleString()} sends in the last hour · peak ${max === 1 && total === 0 ? 0 : max.toLocaleString()} per minute`}</Text>
      <svg viewBox={`0 0 ${width} ${height + 20}`} width="100%" role="img" aria-label="Sends per minute, last hour" data-testid="sends-chart">
        <line x1={0} y1={height} x2={width} y2={height} stroke="#c8cbd8" />
        {perMinute.map((point, index) => {
          const barHeight = (point.count / max) * (height - 10);
          return (
            <rect key={point.minute} x={index * barWidth + 1} y={height - barHeight} width={Math.max(1, barWidth - 2)} height={barHeight} fill="#4268f6">
              <title>{`${time(point.minute)}: ${point.count}`}</title>
            </rect>
          );
        })}
        <text x={0} y={height + 16} fontSize={11} fill="#7b8095">{perMinute.length ? time(perMinute[0].minute) : ''}</text>
        <text x={width} y={height + 16} fontSize={11} fill="#7b8095" textAnchor="end">now</text>
      </svg>
    </Box>
  );
};

const Campaigns: React.FC<{ campaigns: DashboardData['campaigns'] }> = ({ campaigns }) => (
  campaigns.length === 0 ? <Text>No campaign is running or paused.</Text> : (
    <Table width={1}>
      <TableHead><TableRow><TableCell>Campaign</TableCell><TableCell>Status</TableCell><TableCell>Progress</TableCell><TableCell>Why paused</TableCell></TableRow></TableHead>
      <TableBody>
        {campaigns.map((campaign) => (
          <TableRow key={campaign.id}>
            <TableCell><a href={link('Campaign', campaign.id)}>{campaign.name}</a></TableCell>
            <TableCell><Badge variant={campaign.status === 'paused' ? 'danger' : 'success'}>{campaign.status}</Badge></TableCell>
            <TableCell>{`${campaign.done.toLocaleString()} / ${campaign.total.toLocaleString()}${campaign.failed ? ` (${campaign.failed} failed)` : ''}`}</TableCell>
            <TableCell>{campaign.pausedReason ?? ''}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  )
);

const Queues: React.FC<{ queues: DashboardData['queues'] }> = ({ queues }) => {
  const states = ['waiting', 'active', 'delayed', 'prioritized', 'failed'];
  return (
    <Table width={1}>
      <TableHead><TableRow><TableCell>Queue</TableCell>{states.map((state) => <TableCell key={state}>{state}</TableCell>)}</TableRow></TableHead>
      <TableBody>
        {queues.map((queue) => (
          <TableRow key={queue.name}>
            <TableCell><a href={h.urlBuilder(['queues', 'queue', encodeURIComponent(queue.name)])}>{queue.name}</a></TableCell>
            {states.map((state) => <TableCell key={state}>{queue.counts ? (queue.counts[state] ?? 0).toLocaleString() : '?'}</TableCell>)}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
};

const Credentials: React.FC<{ credentials: DashboardData['credentials'] }> = ({ credentials }) => (
  credentials.length === 0 ? <Text>Every credential is connected and none is rated RED.</Text> : (
    <Table width={1}>
      <TableHead><TableRow><TableCell>Credential</TableCell><TableCell>Status</TableCell><TableCell>Quality</TableCell><TableCell>Tier</TableCell><TableCell>Last error</TableCell></TableRow></TableHead>
      <TableBody>
        {credentials.map((credential) => (
          <TableRow key={credential.id}>
            <TableCell><a href={link('Credential', credential.id)}>{credential.name}</a></TableCell>
            <TableCell><Badge variant={credential.status === 'connected' ? 'success' : 'danger'}>{credential.status}</Badge></TableCell>
            <TableCell>{credential.quality ?? '—'}</TableCell>
            <TableCell>{credential.tier ?? '—'}</TableCell>
            <TableCell>{credential.lastError ?? ''}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  )
);

const Dashboard: React.FC = () => {
  const [data, setData] = useState<DashboardData | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let active = true;
    const load = () => api.getDashboard()
      .then((response) => { if (active) { setData(response.data as DashboardData); setFailed(false); } })
      .catch(() => { if (active) setFailed(true); });
    load();
    const timer = setInterval(load, REFRESH_MS);
    return () => { active = false; clearInterval(timer); };
  }, []);

  if (!data) return failed ? <MessageBox m="xl" variant="danger" message="The dashboard could not be loaded." /> : <Loader />;
  return (
    <Box p="xl" data-testid="dashboard">
      <H3>Operations</H3>
      {failed ? <MessageBox mb="lg" variant="warning" message="Refreshing failed; showing the last data." /> : null}
      <Section title="Today's messages by status (UTC)" testId="today"><TodayByStatus today={data.today} /></Section>
      <Section title="Sends per minute, last hour" testId="sends"><SendsChart perMinute={data.perMinute} /></Section>
      <Section title="Campaigns running or paused" testId="campaigns"><Campaigns campaigns={data.campaigns} /></Section>
      <Section title="Credentials that need attention" testId="credentials"><Credentials credentials={data.credentials} /></Section>
      <Section title="Queue depths" testId="queues"><Queues queues={data.queues} /></Section>
    </Box>
  );
};

export default Dashboard;
