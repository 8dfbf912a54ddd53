package dev.tracegate.provisioner.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.tracegate.tenants.TenantsValidator;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** One tenant: its names and how its users authenticate. */
@JsonInclude(JsonInclude.Include.NON_NULL)
// The gateway serves its sign-in callback at exactly this path (TenantsValidator: oidc.redirectURL).
@ValidationRule(value = "!has(self.oidc.redirectURL) || self.oidc.redirectURL.matches("
        + "'^https?://[^/?#]+/oidc/' + self.tenantName.replace('.', '\\\\.') + '/callback([?#].*)?$')",
        message = "oidc.redirectURL: its path must be /oidc/<tenantName>/callback")
public class TenantAuthentication {
    @Required
    @Pattern(TenantsValidator.TENANT_NAME_PATTERN)
    @Size(min = 1, max = TenantsValidator.TENANT_NAME_MAX_LENGTH)
    // The gateways' quarkus-oidc cannot serve these names (TenantsValidator says why).
    @ValidationRule(value = "self != 'Default' && !self.contains('_chunk_')",
            message = "must not be Default nor contain _chunk_: the gateway's OIDC library cannot serve such a tenant")
    @JsonPropertyDescription("Name of the tenant in URLs: /api/traces/v1/<tenantName>/...; not Default, no _chunk_")
    public String tenantName;

    @Required
    @Pattern(TenantsValidator.TENANT_ID_PATTERN)
    @Size(min = 1, max = TenantsValidator.TENANT_ID_MAX_LENGTH)
    @JsonPropertyDescription("Tenant id that Tempo stores under (sent as X-Scope-OrgID): at most 150 of letters, digits and !-_.*'().")
    public String tenantId;

    @Required
    @JsonPropertyDescription("The OpenID Connect issuer of this tenant's users.")
    public OidcSpec oidc;
}
