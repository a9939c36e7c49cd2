import type { KubeObject } from './kustomize.js';

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: unknown) => Validatable;

/**
 * Validates an object against the Kubernetes OpenAPI schema of its apiVersion and kind, through
 * kubernetes-models (whose modules are laid out by apiVersion: `kubernetes-models/apps/v1`).
 * An apiVersion or kind it does not know is an error, not a pass.
 */
export async function validateAgainstOpenApi(object: KubeObject): Promise<void> {
  let module: Record<string, unknown>;
  try {
    module = (await import(`kubernetes-models/${object.apiVersion}`)) as Record<string, unknown>;
  } catch {
    throw new Error(`${object.kind} ${object.metadata.name}: no schema for apiVersion ${object.apiVersion}`);
  }
  const Model = module[object.kind] as ModelClass | undefined;
  if (typeof Model !== 'function') {
    throw new Error(
      `${object.kind} ${object.metadata.name}: no schema for ${object.apiVersion} ${object.kind}`,
    );
  }
  try {
    new Model(comparable(object)).validate();
  } catch (error) {
    throw new Error(`${object.kind} ${object.metadata.name}: ${(error as Error).message}`);
  }
}

/**
 * kustomize wraps the base64 of long Secret values at 70 columns; the API server's decoder (Go's
 * encoding/base64) skips line breaks, the schema's `byte` format does not. Joined, the value is
 * what the server decodes.
 */
function comparable(object: KubeObject): KubeObject {
  if (object.kind !== 'Secret' || !object.data) return object;
  const data = Object.fromEntries(
    Object.entries(object.data as Record<string, string>).map(([key, value]) => [
      key,
      value.replace(/\s+/g, ''),
    ]),
  );
  return { ...object, data };
}
