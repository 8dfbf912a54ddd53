package dev.tracegate.provisioner.secrets;

import java.util.List;
import java.util.Map;

/**
 * A tenant OIDC Secret as it should be.
 *
 * @param name    the Secret's name (several tenants may share one)
 * @param tenants the tenants that read it
 * @param values  plain values by key: clientID, clientSecret, issuerCAPath
 */
public record DesiredTenantSecret(String name, List<String> tenants, Map<String, String> values) {

    /** Never prints the values. */
    @Override
    public String toString() {
        return "DesiredTenantSecret[name=" + name + ", tenants=" + tenants + ", keys=" + values.keySet() + "]";
    }
}
