package dev.tracegate.provisioner.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;

/** What the user asks for. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.tenants) || has(self.tenantsFrom)", message = "spec.tenants or spec.tenantsFrom is required")
@ValidationRule(value = "has(self.upstream) || has(self.tenantsFrom)", message = "spec.upstream is required without spec.tenantsFrom")
// Not part of the tenants document (no gateway sees it), so the CRD is its only check.
@ValidationRule(value = "!has(self.secretSync) || !has(self.secretSync.tenants) || !has(self.tenants) "
        + "|| self.secretSync.tenants.all(t, self.tenants.authentication.exists(a, a.tenantName == t))",
        message = "secretSync.tenants: must name tenants of tenants.authentication")
public class TempoGatewaySpec {
    @JsonPropertyDescription("Tempo endpoints the gateway proxies to. Required unless tenantsFrom names a Tempo Operator resource, whose services are used then.")
    public UpstreamSpec upstream;

    @JsonPropertyDescription("The Tracegate gateway in front of Tempo: whether Grafana goes through it, its URL and who may read its configuration.")
    public GatewaySpec gateway;

    @JsonPropertyDescription("Tenants, written exactly as a TempoStack's spec.tenants. Either this or tenantsFrom.")
    public TenantsSpec tenants;

    @JsonPropertyDescription("Take the tenants, and by default the gateway, from an existing TempoStack or TempoMonolithic of the "
            + "Tempo Operator in this namespace, instead of spec.tenants. spec.gateway then defaults to disabled: Grafana goes "
            + "through the operator's gateway.")
    public TenantsFromSpec tenantsFrom;

    @JsonPropertyDescription("Without any gateway: make the query-frontend reachable through an Ingress (or OpenShift Route) that the provisioner owns; "
            + "the datasources follow its URL.")
    public ExposeSpec expose;

    @JsonPropertyDescription("The Grafana that gets one Tempo datasource per tenant. Absent: no datasources are managed.")
    public GrafanaSpec grafana;

    @JsonPropertyDescription("Copies an OAuth client id/secret (e.g. Grafana's) from one Secret into the tenants' OIDC Secrets.")
    public SecretSyncSpec secretSync;
}
