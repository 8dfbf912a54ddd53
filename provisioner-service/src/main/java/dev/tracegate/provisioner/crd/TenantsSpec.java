package dev.tracegate.provisioner.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** The tenants block of a TempoStack, field for field. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TenantsSpec {
    @Default("static")
    @JsonPropertyDescription("Tenancy mode; only static (tenants listed here) is supported.")
    public TenantsMode mode;

    @Required
    @Size(min = 1)
    @JsonPropertyDescription("One entry per tenant: its name, id and OIDC issuer.")
    public List<TenantAuthentication> authentication;

    @JsonPropertyDescription("Who may read (query) and write (push) which tenant.")
    public Authorization authorization;

    /** The tenancy modes the gateway knows. */
    public enum TenantsMode {
        /** Tenants, roles and bindings are all written in this resource. */
        @com.fasterxml.jackson.annotation.JsonProperty("static")
        STATIC
    }
}
