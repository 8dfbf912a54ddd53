package dev.tracegate.gateway.auth;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.oidc.OidcRequestContext;
import io.quarkus.oidc.OidcTenantConfig;
import io.quarkus.oidc.TenantConfigResolver;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

import dev.tracegate.gateway.tenant.Tenant;
import dev.tracegate.gateway.tenant.TenantRegistry;

/**
 * Gives quarkus-oidc the configuration of the tenant named in the request path
 * ({@code /api/traces/v1/<tenant>/...} or {@code /oidc/<tenant>/...}) or, for OTLP gRPC, in the {@code x-scope-orgid}
 * metadata; other requests get the disabled default tenant.
 */
@ApplicationScoped
public class TenantOidcConfigResolver implements TenantConfigResolver {

    /** quarkus-oidc reconnects to the issuer (fresh metadata and keys) when the tenant's config object changed. */
    private static final String REPLACE_CONTEXT = "replace-tenant-configuration-context";

    private final TenantRegistry registry;

    public TenantOidcConfigResolver(TenantRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Uni<OidcTenantConfig> resolve(RoutingContext context, OidcRequestContext<OidcTenantConfig> requestContext) {
        String tenantName = TenantPaths.tenantOf(context);
        if (tenantName == null) {
            return Uni.createFrom().nullItem();
        }
        Tenant tenant = registry.current().flatMap(c -> c.tenant(tenantName)).orElse(null);
        if (tenant == null) {
            return Uni.createFrom().nullItem();
        }
        context.put(REPLACE_CONTEXT, "true");
        return Uni.createFrom().item(tenant.oidcConfig());
    }
}
