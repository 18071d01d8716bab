/** The sidebar groups of the panel. */
export const NAV = {
  sending: { name: 'Sending', icon: 'Send' },
  clients: { name: 'Clients', icon: 'Briefcase' },
  meta: { name: 'Meta', icon: 'Radio' },
  panel: { name: 'Panel', icon: 'Shield' },
} as const;
