package dev.tracegate.provisioner.tempooperator;

import dev.tracegate.provisioner.crd.TempoGateway;
import io.fabric8.kubernetes.api.model.OwnerReference;

/** Where a TempoGateway's tenants come from, with the spec to act on, or why they cannot be had. */
public sealed interface TenantsResolution {

    /**
     * The spec to act on: the TempoGateway itself, or a copy with the tenants, upstream and gateway of a Tempo
     * Operator resource filled in. Never written back: the status goes on the TempoGateway as it is.
     */
    TempoGateway effective();

    /** Tenants declared in the TempoGateway itself. */
    record Own(TempoGateway effective) implements TenantsResolution {
    }

    /**
     * Tenants of a TempoStack or TempoMonolithic.
     *
     * @param source          e.g. "TempoStack simplest"
     * @param tenants         what the resource declares
     * @param operatorGateway true when Grafana goes through the operator's gateway (not through ours, not straight to Tempo)
     * @param gatewayCaPem    CA for the operator's gateway over https, from tenantsFrom.gatewayCA; null for none
     * @param secretsOwner    the resource, as the owner of the tenant Secrets its tenants name and secretSync fills
     */
    record FromOperator(TempoGateway effective, String source, OperatorTenants tenants, boolean operatorGateway,
                        String gatewayCaPem, OwnerReference secretsOwner) implements TenantsResolution {
    }

    /**
     * Nothing can be done until the user (or the cluster) changes something.
     *
     * @param reason  the condition reason
     * @param message what is wrong, naming the field or the resource
     * @param retry   true when it may pass without any watched change (a CRD being installed)
     */
    record Refused(TempoGateway effective, String reason, String message, boolean retry) implements TenantsResolution {
    }
}
