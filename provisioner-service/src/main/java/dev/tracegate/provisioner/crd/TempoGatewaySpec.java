package dev.tracegate.provisioner.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** What the user asks for. */
@JsonInclude(JsonInclude.Include.NON_NULL)
// Not part of the tenants document (no gateway sees it), so the CRD is its only check.
@ValidationRule(value = "!has(self.secretSync) || !has(self.secretSync.tenants) || !has(self.tenants) "
        + "|| self.secretSync.tenants.all(t, self.tenants.authentication.exists(a, a.tenantName == t))",
        message = "secretSync.tenants: must name tenants of tenants.authentication")
public class TempoGatewaySpec {
    @Required
    @JsonPropertyDescription("Tempo endpoints the gateway proxies to.")
    public UpstreamSpec upstream;

    @JsonPropertyDescription("The Tracegate gateway in front of Tempo: whether Grafana goes through it, its URL and who may read its configuration.")
    public GatewaySpec gateway;

    @Required
    @JsonPropertyDescription("Tenants, written exactly as a TempoStack's spec.tenants.")
    public TenantsSpec tenants;

    @JsonPropertyDescription("The Grafana that gets one Tempo datasource per tenant. Absent: no datasources are managed.")
    public GrafanaSpec grafana;

    @JsonPropertyDescription("Copies an OAuth client id/secret (e.g. Grafana's) from one Secret into the tenants' OIDC Secrets.")
    public SecretSyncSpec secretSync;
}
