package dev.tracegate.provisioner.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * The tenants block of a TempoStack, field for field. The rules below are the gateways' own (TenantsValidator),
 * stated so that {@code kubectl apply} refuses what every gateway would; list sizes and the lengths of compared names
 * are bounded so that the API server's cost estimate of the rules stays within its budget (CelCostBudgetTest), and
 * the counted rules also refuse a name listed twice in one list, which the gateways take (it is harmless to them).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.authentication.all(a, self.authentication.exists_one(b, b.tenantName == a.tenantName))",
        message = "authentication[].tenantName: must be unique")
// Tempo keeps traces by tenant id: two tenants of one id would read and write each other's traces.
@ValidationRule(value = "self.authentication.all(a, self.authentication.exists_one(b, b.tenantId == a.tenantId))",
        message = "authentication[].tenantId: must be unique")
// Counted rather than looked up name by name: the API server's cost estimate of a lookup per name is over its budget.
@ValidationRule(value = "!has(self.authorization) || !has(self.authorization.roles) || self.authorization.roles.all(r, "
        + "self.authentication.filter(a, a.tenantName in r.tenants).size() == r.tenants.size())",
        message = "authorization.roles[].tenants: must name tenants of authentication, each once")
public class TenantsSpec {
    /** Most tenants one TempoGateway may hold. */
    public static final int MAX_TENANTS = 256;

    @Default("static")
    @JsonPropertyDescription("Tenancy mode; only static (tenants listed here) is supported.")
    public TenantsMode mode;

    @Required
    @Size(min = 1, max = MAX_TENANTS)
    @JsonPropertyDescription("One entry per tenant: its name, id and OIDC issuer.")
    public List<TenantAuthentication> authentication;

    @Required
    @JsonPropertyDescription("Who may read (query) and write (push) which tenant.")
    public Authorization authorization;

    /** The tenancy modes the gateway knows. */
    public enum TenantsMode {
        /** Tenants, roles and bindings are all written in this resource. */
        @com.fasterxml.jackson.annotation.JsonProperty("static")
        STATIC
    }
}
