export { createServices, type RunningApi, type StartApiOptions, startApi } from './api.js';
export { type ApiEnv, apiEnv, loadApiConfig, parseApiConfig } from './config.js';
export { type ErrorCode, errorCodes } from './errors.js';
export { printSchemaFile, schema } from './graphql/schema.js';
export { type ApiSettings, resolveSettings } from './settings.js';
export { closeCodes } from './subscriptions/websocket.js';
