import path from 'node:path';

/** The workspace root and infra/, found from this file so tests run from any folder. */
export const infraDir = path.resolve(import.meta.dirname, '..', '..');
export const workspaceDir = path.dirname(infraDir);
export const overlays = ['dev', 'prod'] as const;
export type Overlay = (typeof overlays)[number];
