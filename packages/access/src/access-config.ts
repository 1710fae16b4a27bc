// The environment variables every token-verifying service reads, in one place: whether
// authentication is on, and the public base URL that names the issuer and the FHIR audience.
import { env } from '@healthlane/kit';
import { z } from 'zod';

export interface AccessConfig {
  /** `on` (the default): every non-public request needs a valid token. `off`: open dev/test mode. */
  auth: boolean;
  /** Public base URL of the platform, without a trailing slash, e.g. http://localhost:8080. */
  publicUrl: string;
  /** The token issuer: `${publicUrl}/auth`. */
  issuer: string;
  /** The FHIR base, the access tokens' audience: `${publicUrl}/fhir/R4`. */
  fhirBaseUrl: string;
}

/** Fields to spread into a service's zod object over the environment. */
export const accessConfigFields = {
  /** `off` turns authentication off: only for development and tests that host a service alone. */
  HEALTHLANE_AUTH: env.oneOf(['on', 'off']).default('on'),
  HEALTHLANE_PUBLIC_URL: env.url(['http:', 'https:']).optional(),
  PORT: env.port().default(8080),
};

export function accessConfigFrom(values: {
  HEALTHLANE_AUTH: 'on' | 'off';
  HEALTHLANE_PUBLIC_URL?: string | undefined;
  PORT: number;
}): AccessConfig {
  const publicUrl = (values.HEALTHLANE_PUBLIC_URL?.trim() ?? `http://localhost:${values.PORT}`).replace(
    /\/+$/,
    '',
  );
  return {
    auth: values.HEALTHLANE_AUTH === 'on',
    publicUrl,
    issuer: `${publicUrl}/auth`,
    fhirBaseUrl: `${publicUrl}/fhir/R4`,
  };
}

/** A ready-made schema for services whose only variables are these. */
export const accessConfigSchema = z.object(accessConfigFields).transform(accessConfigFrom);
