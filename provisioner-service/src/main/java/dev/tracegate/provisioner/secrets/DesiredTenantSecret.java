package dev.tracegate.provisioner.secrets;

import io.fabric8.kubernetes.api.model.OwnerReference;
import java.util.List;
import java.util.Map;

/**
 * A tenant OIDC Secret as it should be.
 *
 * @param name    the Secret's name (several tenants may share one)
 * @param tenants the tenants that read it
 * @param values  plain values by key: clientID, clientSecret, issuerCAPath
 * @param owner   what the Secret is garbage-collected with: a Tempo Operator resource whose tenants name it (spec.tenantsFrom),
 *                or null for the TempoGateway itself (its controller reference)
 */
public record DesiredTenantSecret(String name, List<String> tenants, Map<String, String> values, OwnerReference owner) {

    public DesiredTenantSecret(String name, List<String> tenants, Map<String, String> values) {
        this(name, tenants, values, null);
    }

    public DesiredTenantSecret ownedBy(OwnerReference owner) {
        return new DesiredTenantSecret(name, tenants, values, owner);
    }

    /** Never prints the values. */
    @Override
    public String toString() {
        return "DesiredTenantSecret[name=" + name + ", tenants=" + tenants + ", keys=" + values.keySet() + "]";
    }
}
