package dev.tracegate.gateway.tenant;

import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import dev.tracegate.tenants.rbac.Authorizer;

/**
 * A validated, immutable set of tenants with their authorization rules, and the Tempo endpoints the document names
 * ({@code null}: the gateway's own settings); swapped whole on each reload.
 */
public record TenantConfiguration(Map<String, Tenant> tenants, Authorizer authorizer, URI queryFrontend, URI distributor,
        String version, String source, Instant loadedAt) {

    public Optional<Tenant> tenant(String name) {
        return Optional.ofNullable(tenants.get(name));
    }
}
