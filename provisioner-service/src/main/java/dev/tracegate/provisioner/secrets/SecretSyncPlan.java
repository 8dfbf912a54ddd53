package dev.tracegate.provisioner.secrets;

import java.util.List;
import java.util.Set;

/**
 * The tenant Secrets the provisioner should write for one TempoGateway.
 *
 * @param configured     false when the gateway has no spec.secretSync
 * @param desired        Secrets to create or update
 * @param problem        why nothing can be written (source Secret or key missing), or null
 * @param referencedNames every Secret name a tenant of the gateway reads, synced or not: managed Secrets outside it are stale
 */
public record SecretSyncPlan(boolean configured, List<DesiredTenantSecret> desired, String problem, Set<String> referencedNames) {
}
