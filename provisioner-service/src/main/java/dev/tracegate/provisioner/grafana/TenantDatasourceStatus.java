package dev.tracegate.provisioner.grafana;

/**
 * What happened to one tenant's datasource.
 *
 * @param tenantName the tenant
 * @param uid        the datasource uid (deterministic from owner and tenant)
 * @param name       the datasource name
 * @param outcome    what the sync did
 * @param message    a human-readable reason for FOREIGN and FAILED (never a secret); null otherwise
 * @param health     Grafana's health check: "OK" or "ERROR: ..."; null when not checked (Forward OAuth
 *                   Identity cannot be checked without a user, or the write failed)
 */
public record TenantDatasourceStatus(String tenantName, String uid, String name, Outcome outcome, String message, String health) {
}
