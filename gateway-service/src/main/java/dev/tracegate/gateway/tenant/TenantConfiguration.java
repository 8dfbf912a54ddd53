package dev.tracegate.gateway.tenant;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import dev.tracegate.tenants.rbac.Authorizer;

/** A validated, immutable set of tenants with their authorization rules; swapped whole on each reload. */
public record TenantConfiguration(Map<String, Tenant> tenants, Authorizer authorizer, String version, String source,
        Instant loadedAt) {

    public Optional<Tenant> tenant(String name) {
        return Optional.ofNullable(tenants.get(name));
    }
}
