package dev.tracegate.provisioner.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** What the provisioner knows about one tenant. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TenantStatus {
    @JsonPropertyDescription("The tenant's name.")
    public String tenantName;

    @JsonPropertyDescription("Name of the tenant's OIDC Secret.")
    public String secret;

    @JsonPropertyDescription("Last write to the Secret: Synced, NotManaged (the tenant reads its own Secret), Foreign (refused), SourceMissing, or NoSecret (a tenant without OIDC, mode openshift).")
    public String secretResult;

    @JsonPropertyDescription("uid of the tenant's Grafana datasource.")
    public String datasourceUid;

    @JsonPropertyDescription("Name of the tenant's Grafana datasource.")
    public String datasourceName;

    @JsonPropertyDescription("Grafana's health check of the datasource: OK, ERROR: ..., or absent when Grafana cannot check it "
            + "(Forward OAuth Identity needs a signed-in user; before Grafana 12.3 Tempo's plugin has no backend check).")
    public String datasourceHealth;

    @JsonPropertyDescription("Last error for this tenant, if any.")
    public String lastError;

    @Override
    public boolean equals(Object o) {
        return o instanceof TenantStatus t && Objects.equals(tenantName, t.tenantName) && Objects.equals(secret, t.secret)
                && Objects.equals(secretResult, t.secretResult) && Objects.equals(datasourceUid, t.datasourceUid)
                && Objects.equals(datasourceName, t.datasourceName) && Objects.equals(datasourceHealth, t.datasourceHealth)
                && Objects.equals(lastError, t.lastError);
    }

    @Override
    public int hashCode() {
        return Objects.hash(tenantName, secret, secretResult, datasourceUid, datasourceName, datasourceHealth, lastError);
    }
}
