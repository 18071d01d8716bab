/** The "Download report" action: a plain link, so the browser downloads the streamed CSV itself. */
import React from 'react';
import type { ActionProps } from 'adminjs';
import { Box, Button, Text } from '@adminjs/design-system';

const ReportDownload: React.FC<ActionProps> = ({ record }) => (
  <Box variant="container">
    <Text mb="lg">One row per message: to, ref, status, wamid, error code and title, sent/delivered/read times, pricing category, billable.</Text>
    <Button as="a" variant="contained" href={`/admin/campaign-files/${record!.id}/report.csv`} download data-testid="report-link">Download report.csv</Button>
  </Box>
);

export default ReportDownload;
