package dev.tracegate.gateway.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import dev.tracegate.gateway.tenant.TenantConfiguration;
import dev.tracegate.gateway.tenant.TenantRegistry;

/**
 * Ready once a valid tenants document is in force. Lists each tenant with whether its issuer's OpenID metadata is
 * reachable: an issuer that is down fails only its own tenant's sign-ins, so it does not make the gateway unready.
 */
@Readiness
@ApplicationScoped
public class TenantsReadinessCheck implements HealthCheck {

    private final TenantRegistry registry;
    private final IssuerProbe issuers;

    public TenantsReadinessCheck(TenantRegistry registry, IssuerProbe issuers) {
        this.registry = registry;
        this.issuers = issuers;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("tenants");
        TenantConfiguration current = registry.current().orElse(null);
        if (current == null) {
            return response.down().withData("reason", "no valid tenants document loaded yet").build();
        }
        response.up()
                .withData("version", current.version())
                .withData("source", current.source())
                .withData("loadedAt", current.loadedAt().toString());
        current.tenants().values().forEach(t -> response
                .withData("tenant." + t.name() + ".issuerURL", t.oidc().issuerURL())
                .withData("tenant." + t.name() + ".issuer", issuers.status(t)));
        return response.build();
    }
}
