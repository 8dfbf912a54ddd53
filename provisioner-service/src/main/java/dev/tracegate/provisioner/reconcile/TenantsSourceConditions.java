package dev.tracegate.provisioner.reconcile;

import dev.tracegate.provisioner.crd.Condition;
import dev.tracegate.provisioner.status.Conditions;
import dev.tracegate.provisioner.tempooperator.TenantsResolution;

/** The conditions that say where the tenants come from, and what that changes for secrets and the gateway configuration. */
final class TenantsSourceConditions {
    private TenantsSourceConditions() {
    }

    static Condition refused(TenantsResolution.Refused refused) {
        return Conditions.of(Conditions.TENANTS_RESOLVED, false, refused.reason(), refused.message());
    }

    static Condition resolved(TenantsResolution.FromOperator from) {
        var spec = from.effective().getSpec();
        String path = from.operatorGateway() ? "through the operator's gateway " + spec.gateway.url
                : spec.gateway.routesThroughGateway() ? "through Tracegate's gateway " + spec.gateway.url
                : "straight to the query-frontend " + spec.upstream.queryFrontend + " (no gateway)";
        return Conditions.of(Conditions.TENANTS_RESOLVED, true, "FromTempoResource", spec.tenants.authentication.size()
                + " tenant(s) from " + from.source() + " (mode " + from.tenants().mode() + "); Grafana goes " + path);
    }

    /** Mode openshift: users sign in with OpenShift tokens; no OIDC Secret exists to fill. */
    static Condition openShiftSecrets(TenantsResolution.FromOperator from) {
        return Conditions.of(Conditions.SECRETS_SYNCED, true, "OpenShiftMode", from.source()
                + " uses tenants mode openshift: users sign in with OpenShift tokens, so there are no OIDC Secrets to fill");
    }

    /** No Tracegate gateway reads a configuration: the operator's gateway serves, or there is none. */
    static Condition noTracegateGateway(TenantsResolution.FromOperator from) {
        if (from.operatorGateway()) {
            return Conditions.of(Conditions.CONFIG_PUBLISHED, true, "OperatorGateway", "the operator's gateway of " + from.source()
                    + " serves the tenants: no Tracegate gateway reads a configuration");
        }
        return Conditions.of(Conditions.CONFIG_PUBLISHED, true, "GatewayDisabled", from.source()
                + " runs no gateway: Grafana reads the query-frontend directly");
    }
}
