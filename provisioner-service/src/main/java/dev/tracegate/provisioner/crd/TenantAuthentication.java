package dev.tracegate.provisioner.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** One tenant: its names and how its users authenticate. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TenantAuthentication {
    @Required
    @Pattern(Patterns.TENANT_NAME)
    @JsonPropertyDescription("Name of the tenant in URLs: /api/traces/v1/<tenantName>/...")
    public String tenantName;

    @Required
    @JsonPropertyDescription("Tenant id that Tempo stores under (sent as X-Scope-OrgID).")
    public String tenantId;

    @Required
    @JsonPropertyDescription("The OpenID Connect issuer of this tenant's users.")
    public OidcSpec oidc;
}
