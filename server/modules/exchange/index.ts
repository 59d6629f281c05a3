export { ExchangeService, type ExchangeDeps, type SubscriptionInput } from './exchange.service.js';
export { exchangeRoutes } from './exchange.routes.js';
export { DEFAULT_DISPATCH, backoff, postOnce, type DispatcherOptions, type RoundResult } from './exchange.dispatcher.js';
export type { ExchangeTables } from './exchange.tables.js';
