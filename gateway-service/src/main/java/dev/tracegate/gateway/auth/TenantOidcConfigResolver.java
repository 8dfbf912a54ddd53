package dev.tracegate.gateway.auth;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.oidc.OidcRequestContext;
import io.quarkus.oidc.OidcTenantConfig;
import io.quarkus.oidc.TenantConfigResolver;
import io.quarkus.oidc.runtime.OidcUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

import dev.tracegate.gateway.tenant.Tenant;
import dev.tracegate.gateway.tenant.TenantRegistry;

/**
 * Gives quarkus-oidc the configuration of the tenant named in the request path
 * ({@code /api/traces/v1/<tenant>/...} or {@code /oidc/<tenant>/...}) or, for OTLP gRPC, in the {@code x-scope-orgid}
 * metadata; other requests get the disabled default tenant.
 * <p>
 * The tenant so found is the request's, whatever cookies it carries. quarkus-oidc first guesses it from the first
 * {@code q_session_*} or {@code q_auth*} cookie it sees; left standing, that guess made a sign-in to team-b drop the
 * browser's team-a session as "the previous tenant's" (any site could sign its visitors out of team-a with a link to
 * {@code /oidc/team-b/login}).
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
        context.put(OidcUtils.TENANT_ID_ATTRIBUTE, tenant.name());
        context.remove(OidcUtils.TENANT_ID_SET_BY_SESSION_COOKIE);
        context.remove(OidcUtils.TENANT_ID_SET_BY_STATE_COOKIE);
        return Uni.createFrom().item(tenant.oidcConfig());
    }
}
