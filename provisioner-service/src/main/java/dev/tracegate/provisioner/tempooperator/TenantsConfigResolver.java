package dev.tracegate.provisioner.tempooperator;

import dev.tracegate.provisioner.crd.TempoGateway;
import dev.tracegate.provisioner.gatewayconfig.ConfigResolution;
import dev.tracegate.provisioner.gatewayconfig.GatewayConfigResolver;
import dev.tracegate.provisioner.kube.SecretLookup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;

/**
 * A gateway's configuration wherever its tenants are declared: in the TempoGateway, or in the TempoStack /
 * TempoMonolithic that spec.tenantsFrom names (then read from the API server: call off the event loop).
 */
@ApplicationScoped
public class TenantsConfigResolver {
    public static final String NO_TRACEGATE_GATEWAY = "NoTracegateGateway";

    private final TenantsSource tenantsSource;

    public TenantsConfigResolver(TenantsSource tenantsSource) {
        this.tenantsSource = tenantsSource;
    }

    public ConfigResolution resolve(TempoGateway gateway, SecretLookup secrets) {
        if (gateway.getSpec().tenantsFrom == null) {
            return GatewayConfigResolver.resolve(gateway, secrets);
        }
        TenantsResolution tenants = tenantsSource.resolve(gateway);
        if (tenants instanceof TenantsResolution.Refused refused) {
            return new ConfigResolution.Unresolved(refused.reason(), refused.message(), Map.of());
        }
        if (tenants instanceof TenantsResolution.FromOperator from
                && (from.operatorGateway() || !from.effective().getSpec().gateway.routesThroughGateway())) {
            return new ConfigResolution.Unresolved(NO_TRACEGATE_GATEWAY, "TempoGateway " + gateway.key()
                    + " runs no Tracegate gateway: " + from.source() + " serves its tenants", Map.of());
        }
        return GatewayConfigResolver.resolve(tenants.effective(), secrets);
    }
}
