/** The hidden action of the network-namespace helper; its own module so main.ts can dispatch it cheaply. */
export const NETNS_LISTEN_ACTION = 'netns-listen';
