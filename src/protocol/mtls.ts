// RFC 8705 §5: a client that presents a certificate uses the provider's mtls_endpoint_aliases.

export function mtlsAlias(
  metadata: Record<string, unknown>,
  field: string,
  mtls: boolean | undefined,
): string | undefined {
  const aliases = metadata.mtls_endpoint_aliases;
  if (!mtls || !aliases || typeof aliases !== 'object') return undefined;
  const value = (aliases as Record<string, unknown>)[field];
  return typeof value === 'string' ? value : undefined;
}
